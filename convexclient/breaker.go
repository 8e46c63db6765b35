package convexclient

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.uber.org/zap"
)

// State is the circuit breaker's state.
type State uint8

// Breaker states.
const (
	StateClosed   State = iota // calls flow; failures are counted
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

// BreakerSettings configures the Client's circuit breaker. A call counts as
// a failure on network errors, the client's own timeout, HTTP 5xx and 429; as
// a success on any other answer (function errors and other 4xx included); it
// is not counted when the caller cancelled or its own deadline expired.
type BreakerSettings struct {
	// Disabled turns the breaker off (State is always StateClosed).
	Disabled bool
	// ConsecutiveFailures failed calls in a row open the breaker. Zero means 5.
	ConsecutiveFailures uint32
	// OpenTimeout is how long the breaker stays open before going half-open.
	// Zero means 10s.
	OpenTimeout time.Duration
	// HalfOpenProbes is how many calls a half-open breaker lets through; that
	// many successes close it, one failure opens it again. Zero means 1.
	HalfOpenProbes uint32
	// Interval clears the failure counts periodically while closed. Zero
	// means never (only consecutive failures matter anyway).
	Interval time.Duration
}

func (s BreakerSettings) withDefaults() BreakerSettings {
	if s.ConsecutiveFailures == 0 {
		s.ConsecutiveFailures = 5
	}
	if s.OpenTimeout == 0 {
		s.OpenTimeout = 10 * time.Second
	}
	if s.HalfOpenProbes == 0 {
		s.HalfOpenProbes = 1
	}
	return s
}

// Verdicts handed to gobreaker's done callback.
var (
	errBreakerFailure  = errors.New("breaker: failure")
	errBreakerExcluded = errors.New("breaker: excluded")
)

type transition struct{ from, to State }

// breaker wraps a gobreaker two-step breaker. State changes are queued under
// gobreaker's lock and delivered to hooks outside it, in order.
type breaker struct {
	cb       *gobreaker.TwoStepCircuitBreaker[struct{}]
	name     string // deployment URL, for logs
	timeout  time.Duration
	now      func() time.Time
	log      *zap.Logger
	onChange func(from, to State)
	openedAt atomic.Int64 // unix nanos of the last transition to open

	mu        sync.Mutex // guards pending
	pending   []transition
	deliverMu sync.Mutex // held while delivering; TryLock avoids re-entrancy deadlocks
}

func newBreaker(name string, s BreakerSettings, now func() time.Time, log *zap.Logger, onChange func(from, to State)) *breaker {
	if s.Disabled {
		return nil
	}
	b := &breaker{name: name, timeout: s.OpenTimeout, now: now, log: log, onChange: onChange}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        name,
		MaxRequests: s.HalfOpenProbes,
		Interval:    s.Interval,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= s.ConsecutiveFailures },
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
// with nil, errBreakerFailure or errBreakerExcluded, then flush. A nil
// breaker allows all.
func (b *breaker) allow() (done func(error), err error) {
	if b == nil {
		return noopDone, nil
	}
	done, err = b.cb.Allow()
	b.flush()
	if err != nil {
		return nil, &UnavailableError{RetryAfter: b.retryAfter()}
	}
	return done, nil
}

func noopDone(error) {}

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
			b.log.Info("convex circuit breaker state changed", zap.String("deployment", b.name),
				zap.String("from", t.from.String()), zap.String("to", t.to.String()))
			if b.onChange != nil {
				b.onChange(t.from, t.to)
			}
		}
		b.deliverMu.Unlock()
	}
}
