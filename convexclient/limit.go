package convexclient

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// LimitSettings bounds the calls in flight to the backend, per lane (see the
// package doc): a bulkhead. A call first waits for a slot in its lane, at
// most MaxWait and outside its timeout (the per-call timeout starts once it
// holds a slot), then holds the slot for all its attempts, retries and
// back-off included. A call that finds no slot in time is shed: it fails at
// once with an *UnavailableError (ReasonShed, RetryAfter 1s) instead of
// queueing into a timeout, so goroutines, connections and memory stay
// bounded whatever the request rate while the backend is slow or hangs.
// Shed calls never reach the backend and never count toward a breaker.
type LimitSettings struct {
	// Disabled removes the limits (calls queue in the HTTP transport instead).
	Disabled bool
	// Query, Mutation and Action are the most foreground calls of each kind
	// in flight at once. Zero means 64, 32 and 16; negative is invalid.
	Query, Mutation, Action int
	// Background is the most background calls (WithBackground) in flight at
	// once, all kinds together; they never take a foreground slot. Zero
	// means 8; negative is invalid.
	Background int
	// MaxWait is how long a call waits for a slot before it is shed. Zero
	// means 100ms; negative means never wait (shed at once when full).
	MaxWait time.Duration
	// MaxWaiting is how many calls may wait for a slot in one lane; more are
	// shed at once. Zero means four times the lane's limit; negative is invalid.
	MaxWaiting int
}

// Default in-flight limits (zero LimitSettings fields).
const (
	DefaultQueryLimit      = 64
	DefaultMutationLimit   = 32
	DefaultActionLimit     = 16
	DefaultBackgroundLimit = 8
	DefaultMaxWait         = 100 * time.Millisecond
)

// shedRetryAfter is the Retry-After hint of a shed call: a slot usually
// frees up well within a second; the header cannot say less.
const shedRetryAfter = time.Second

func (s LimitSettings) withDefaults() LimitSettings {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Query, DefaultQueryLimit)
	def(&s.Mutation, DefaultMutationLimit)
	def(&s.Action, DefaultActionLimit)
	def(&s.Background, DefaultBackgroundLimit)
	if s.MaxWait == 0 {
		s.MaxWait = DefaultMaxWait
	}
	return s
}

// validate lists the invalid settings.
func (s LimitSettings) validate() []string {
	if s.Query < 0 || s.Mutation < 0 || s.Action < 0 || s.Background < 0 || s.MaxWaiting < 0 {
		return []string{"limits must not be negative"}
	}
	return nil
}

// total is the most calls in flight over all lanes.
func (s LimitSettings) total() int { return s.Query + s.Mutation + s.Action + s.Background }

// errShed is a call that found no slot in time.
var errShed = errors.New("convexclient: too many calls in flight")

// limiter is a counting semaphore with a short, bounded wait. A nil
// *limiter has no limit. Safe for concurrent use.
type limiter struct {
	slots      chan struct{} // one element per call in flight
	waiting    atomic.Int64
	maxWaiting int64
	maxWait    time.Duration
}

func newLimiter(n int, s LimitSettings) *limiter {
	if s.Disabled {
		return nil
	}
	w := s.MaxWaiting
	if w == 0 {
		w = 4 * n
	}
	return &limiter{slots: make(chan struct{}, n), maxWaiting: int64(w), maxWait: s.MaxWait}
}

// acquire takes a slot, waiting at most maxWait for one. It returns errShed
// when none came free in time (or too many calls already wait), or ctx's
// error when ctx ended first; then it holds no slot. A slot taken just as
// ctx ended is given back, so a call whose deadline passed while it waited
// is never sent. On nil the caller must release exactly once.
func (l *limiter) acquire(ctx context.Context) error {
	if l == nil {
		return nil
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.maxWait < 0 {
		return errShed
	}
	if l.waiting.Add(1) > l.maxWaiting {
		l.waiting.Add(-1)
		return errShed
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.maxWait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		if err := ctx.Err(); err != nil {
			<-l.slots
			return err
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errShed
	}
}

// release gives back a slot taken by acquire.
func (l *limiter) release() {
	if l != nil {
		<-l.slots
	}
}

// inFlight is the number of slots taken; limit the number of slots (0: no limit).
func (l *limiter) inFlight() int {
	if l == nil {
		return 0
	}
	return len(l.slots)
}

func (l *limiter) limit() int {
	if l == nil {
		return 0
	}
	return cap(l.slots)
}
