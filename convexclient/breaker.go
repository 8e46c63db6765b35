package convexclient

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.uber.org/zap"
)

// State is a circuit breaker's state.
type State uint8

// Breaker states.
const (
	StateClosed   State = iota // calls flow; outcomes are counted
	StateHalfOpen              // a few probe calls are let through
	StateOpen                  // calls fail fast with ErrUnavailable
)

// String returns "closed", "half-open" or "open".
func (s State) String() string {
	switch s {
	case StateHalfOpen:
		return "half-open"
	case StateOpen:
		return "open"
	}
	return "closed"
}

// BreakerSettings configures the Client's circuit breakers (one per lane, see
// the package doc). Each breaker counts outages only: network errors, the
// client's own timeouts, HTTP 5xx without a function result, and 429. Any
// answer that carries a function result (HTTP 200 with status "error", or
// the legacy HTTP 560 with a parseable body) is the backend working and
// counts as a success; the caller's own cancellation or deadline, calls shed
// by the in-flight limit, and retries of an already counted attempt
// (WithAttempt) are not counted at all.
//
// A closed breaker opens when, over the last Window, at least MinRequests
// calls were counted and the share of failures among them reached
// FailureRatio. An open breaker fails every call fast for OpenTimeout, then
// lets HalfOpenProbes probe calls through: that many successes in a row close
// it, one failure opens it again.
type BreakerSettings struct {
	// Disabled turns the breakers off (every state is StateClosed).
	Disabled bool
	// FailureRatio is the share of failed calls in the window, in (0, 1],
	// that opens the breaker. Zero means 0.8: a breaker that trips at 50%
	// failures turns a backend failing half its calls into one failing all
	// of them (issue 16), while one failing 80% or more is down for its users
	// anyway and is better left alone.
	FailureRatio float64
	// MinRequests is the number of counted calls in the window below which
	// the breaker never opens, so a handful of failures at low traffic cannot
	// take the deployment offline for everyone. Zero means 20.
	MinRequests uint32
	// Window is the rolling window over which calls are counted, in ten
	// buckets (the oldest tenth is dropped as time passes). Zero means 10s.
	Window time.Duration
	// OpenTimeout is how long the breaker stays open before letting probes
	// through. Zero means 1s: a backend that comes back is used again within
	// about a second, at the cost of one probe per second while it is down.
	OpenTimeout time.Duration
	// HalfOpenProbes is how many probe calls a half-open breaker lets
	// through; that many successes in a row close it. Zero means 1, so the
	// first successful probe closes the breaker.
	HalfOpenProbes uint32

	// ConsecutiveFailures is the old trip setting, kept so that existing
	// configurations compile and keep their intent: when MinRequests is
	// zero, a non-zero ConsecutiveFailures is taken as MinRequests (the
	// breaker opens after about that many outages, by ratio, not in a row).
	//
	// Deprecated: use MinRequests and FailureRatio. A few failures in a row
	// opened the breaker for everyone (issue 16).
	ConsecutiveFailures uint32
	// Interval is ignored; Window replaces it.
	//
	// Deprecated: kept so that existing configurations compile.
	Interval time.Duration
}

// Default breaker settings (zero BreakerSettings fields).
const (
	DefaultFailureRatio   = 0.8
	DefaultMinRequests    = 20
	DefaultBreakerWindow  = 10 * time.Second
	DefaultOpenTimeout    = time.Second
	DefaultHalfOpenProbes = 1
	breakerBuckets        = 10
)

func (s BreakerSettings) withDefaults() BreakerSettings {
	if s.FailureRatio == 0 {
		s.FailureRatio = DefaultFailureRatio
	}
	if s.MinRequests == 0 {
		s.MinRequests = DefaultMinRequests
		if s.ConsecutiveFailures > 0 {
			s.MinRequests = s.ConsecutiveFailures
		}
	}
	s.ConsecutiveFailures = 0
	if s.Window == 0 {
		s.Window = DefaultBreakerWindow
	}
	if s.OpenTimeout == 0 {
		s.OpenTimeout = DefaultOpenTimeout
	}
	if s.HalfOpenProbes == 0 {
		s.HalfOpenProbes = DefaultHalfOpenProbes
	}
	return s
}

// validate lists the invalid settings.
func (s BreakerSettings) validate() []string {
	var bad []string
	if s.FailureRatio < 0 || s.FailureRatio > 1 || s.FailureRatio != s.FailureRatio {
		bad = append(bad, "FailureRatio must be in (0, 1]")
	}
	if s.Window < 0 || s.OpenTimeout < 0 || s.Interval < 0 {
		bad = append(bad, "durations must not be negative")
	}
	return bad
}

// Verdicts handed to gobreaker's done callback.
var (
	errBreakerFailure  = errors.New("breaker: failure")
	errBreakerExcluded = errors.New("breaker: excluded")
)

type transition struct{ from, to State }

// breaker wraps a gobreaker two-step breaker. State changes are queued under
// gobreaker's lock and delivered to hooks outside it, in order. A nil
// *breaker is a disabled one: it allows everything and is always closed.
type breaker struct {
	cb         *gobreaker.TwoStepCircuitBreaker[struct{}]
	name       string // lane name
	deployment string // for logs
	timeout    time.Duration
	now        func() time.Time
	log        *zap.Logger
	onChange   func(name string, from, to State)
	openedAt   atomic.Int64 // unix nanos of the last transition to open, by now

	mu        sync.Mutex // guards pending
	pending   []transition
	deliverMu sync.Mutex // held while delivering; TryLock avoids re-entrancy deadlocks
}

func newBreaker(name, deployment string, s BreakerSettings, now func() time.Time, log *zap.Logger,
	onChange func(name string, from, to State)) *breaker {
	if s.Disabled {
		return nil
	}
	b := &breaker{name: name, deployment: deployment, timeout: s.OpenTimeout, now: now, log: log, onChange: onChange}
	bucket := s.Window / breakerBuckets
	if bucket <= 0 {
		bucket = 1
	}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:         name,
		MaxRequests:  s.HalfOpenProbes,
		Interval:     bucket * breakerBuckets,
		BucketPeriod: bucket,
		Timeout:      s.OpenTimeout,
		ReadyToTrip:  tripOnRatio(s.FailureRatio, s.MinRequests),
		OnStateChange: func(_ string, from, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				b.openedAt.Store(b.now().UnixNano())
			}
			b.mu.Lock()
			b.pending = append(b.pending, transition{fromGobreaker(from), fromGobreaker(to)})
			b.mu.Unlock()
		},
		IsSuccessful: func(err error) bool { return err != errBreakerFailure },
		IsExcluded:   func(err error) bool { return err == errBreakerExcluded },
	})
	return b
}

// tripOnRatio opens the breaker once at least min calls were counted in the
// window and at least ratio of them failed. Requests in flight (counted in
// Counts.Requests) and excluded calls do not count toward the volume.
func tripOnRatio(ratio float64, min uint32) func(gobreaker.Counts) bool {
	return func(c gobreaker.Counts) bool {
		n := c.TotalSuccesses + c.TotalFailures
		return n >= min && float64(c.TotalFailures) >= ratio*float64(n)
	}
}

func fromGobreaker(s gobreaker.State) State {
	switch s {
	case gobreaker.StateOpen:
		return StateOpen
	case gobreaker.StateHalfOpen:
		return StateHalfOpen
	}
	return StateClosed
}

// allow asks to make a call. On success done must be called exactly once
// with nil, errBreakerFailure or errBreakerExcluded, then flush. A refusal
// is an *UnavailableError with ReasonBreakerOpen.
func (b *breaker) allow() (done func(error), err error) {
	if b == nil {
		return noopDone, nil
	}
	done, err = b.cb.Allow()
	b.flush()
	if err != nil {
		return nil, b.refusal()
	}
	return done, nil
}

func noopDone(error) {}

// refusal is the error of a call refused by the breaker.
func (b *breaker) refusal() *UnavailableError {
	return &UnavailableError{RetryAfter: b.retryAfter(), Reason: ReasonBreakerOpen, Breaker: b.name}
}

// retryAfter is the remaining open time, at least one second (a half-open
// breaker with its probes in flight also answers here).
func (b *breaker) retryAfter() time.Duration {
	left := b.timeout - b.now().Sub(time.Unix(0, b.openedAt.Load()))
	if left < time.Second {
		left = time.Second
	}
	return left.Round(time.Second)
}

func (b *breaker) state() State {
	if b == nil {
		return StateClosed
	}
	s := fromGobreaker(b.cb.State())
	b.flush()
	return s
}

// flush delivers queued transitions to the logger and the hook. A hook that
// calls back into the breaker finds deliverMu held and returns; the loop
// below picks up what it queued.
func (b *breaker) flush() {
	if b == nil {
		return
	}
	for {
		b.mu.Lock()
		empty := len(b.pending) == 0
		b.mu.Unlock()
		if empty || !b.deliverMu.TryLock() {
			return
		}
		b.mu.Lock()
		p := b.pending
		b.pending = nil
		b.mu.Unlock()
		for _, t := range p {
			b.log.Info("convex circuit breaker state changed", zap.String("deployment", b.deployment),
				zap.String("breaker", b.name), zap.String("from", t.from.String()), zap.String("to", t.to.String()))
			if b.onChange != nil {
				b.onChange(b.name, t.from, t.to)
			}
		}
		b.deliverMu.Unlock()
	}
}
