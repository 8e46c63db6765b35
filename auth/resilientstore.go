package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"
)

// StoreState is the state of a ResilientStore's breaker.
type StoreState int

// Breaker states: closed (calls pass), half-open (one probe passes), open
// (calls fail fast with ErrStoreUnavailable).
const (
	StoreClosed StoreState = iota
	StoreHalfOpen
	StoreOpen
)

// String returns "closed", "half-open" or "open".
func (s StoreState) String() string {
	switch s {
	case StoreClosed:
		return "closed"
	case StoreHalfOpen:
		return "half-open"
	case StoreOpen:
		return "open"
	}
	return fmt.Sprintf("StoreState(%d)", int(s))
}

// ResilientStoreConfig configures a ResilientStore. Zero fields take the
// defaults noted.
type ResilientStoreConfig struct {
	// Timeout bounds every operation, as a context deadline (default
	// 300ms). Redis answers in well under a millisecond; a slower answer
	// means trouble, and a login must not wait for it.
	Timeout time.Duration
	// MinRequests is the volume inside Window below which the breaker
	// never trips (default 10).
	MinRequests uint32
	// FailureRatio of the operations inside Window trips the breaker
	// (default 0.5).
	FailureRatio float64
	// Window is the rolling window the ratio is taken over, in one-second
	// buckets (default 10s).
	Window time.Duration
	// OpenFor is how long the breaker stays open before one probe goes
	// through (default 2s).
	OpenFor time.Duration
	// OnStateChange, if set, is called on every breaker transition (for
	// metrics and readiness). It runs synchronously inside a store call:
	// keep it short and never call the store from it.
	OnStateChange func(from, to StoreState)
}

// ResilientStore wraps a Store (typically a RedisStore) with a timeout per
// operation and a circuit breaker, so that a dead or frozen Redis costs a
// request at most Timeout, and nothing at all once the breaker is open.
//
// What counts: errors matching ErrStore and the wrapper's own timeouts are
// failures; ErrStoreFull and ErrConfig (the store working as designed) and
// the caller's own cancellation are not counted. While the breaker is open
// every method fails at once with an error matching ErrStoreUnavailable
// (and so ErrStore). Nothing fails open here: the callers decide (see the
// package doc, "State store failures"). It is safe for concurrent use.
type ResilientStore struct {
	inner   Store
	timeout time.Duration
	cb      *gobreaker.CircuitBreaker[struct{}]
}

// NewResilientStore wraps inner. It does no I/O.
func NewResilientStore(inner Store, cfg ResilientStoreConfig) *ResilientStore {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 300 * time.Millisecond
	}
	if cfg.MinRequests == 0 {
		cfg.MinRequests = 10
	}
	if !(cfg.FailureRatio > 0 && cfg.FailureRatio <= 1) {
		cfg.FailureRatio = 0.5
	}
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	if cfg.OpenFor <= 0 {
		cfg.OpenFor = 2 * time.Second
	}
	s := &ResilientStore{inner: inner, timeout: cfg.Timeout}
	hook := cfg.OnStateChange
	s.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name: "state-store", MaxRequests: 1, Interval: cfg.Window, BucketPeriod: time.Second, Timeout: cfg.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.Requests >= cfg.MinRequests && float64(c.TotalFailures) >= cfg.FailureRatio*float64(c.Requests)
		},
		IsSuccessful: func(err error) bool {
			return err == nil || errors.Is(err, ErrStoreFull) || errors.Is(err, ErrConfig) || errors.Is(err, ErrUnknownPolicy)
		},
		IsExcluded: func(err error) bool { return errors.Is(err, errCallerCancelled) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			if hook != nil {
				hook(storeState(from), storeState(to))
			}
		},
	})
	return s
}

func storeState(s gobreaker.State) StoreState {
	switch s {
	case gobreaker.StateOpen:
		return StoreOpen
	case gobreaker.StateHalfOpen:
		return StoreHalfOpen
	}
	return StoreClosed
}

// State returns the breaker's current state (for /readyz and metrics).
func (s *ResilientStore) State() StoreState { return storeState(s.cb.State()) }

// errCallerCancelled marks an operation abandoned because the caller's own
// context ended: not the store's fault, so not counted.
var errCallerCancelled = errors.New("caller cancelled")

// do runs op under the breaker with the per-operation timeout.
func (s *ResilientStore) do(ctx context.Context, name string, op func(ctx context.Context) error) error {
	_, err := s.cb.Execute(func() (struct{}, error) {
		if err := ctx.Err(); err != nil {
			return struct{}{}, fmt.Errorf("%w: %w", errCallerCancelled, err)
		}
		octx, cancel := context.WithTimeout(ctx, s.timeout)
		defer cancel()
		err := op(octx)
		switch {
		case err == nil:
		case ctx.Err() != nil: // the caller gave up, not the store
			err = fmt.Errorf("%w: %w", errCallerCancelled, err)
		case octx.Err() != nil:
			// Not wrapping err: it matches context.DeadlineExceeded, which
			// callers map to a backend timeout, not to the state store.
			err = fmt.Errorf("%w: %s timed out after %s", ErrStore, name, s.timeout)
		}
		return struct{}{}, err
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return fmt.Errorf("%w (%s)", ErrStoreUnavailable, name)
	}
	if errors.Is(err, errCallerCancelled) {
		return fmt.Errorf("auth: store %s: %w", name, ctx.Err())
	}
	return err
}

// Incr implements Store.
func (s *ResilientStore) Incr(ctx context.Context, key string, now time.Time, window time.Duration) (n int64, reset time.Time, err error) {
	err = s.do(ctx, "incr", func(ctx context.Context) (err error) {
		n, reset, err = s.inner.Incr(ctx, key, now, window)
		return err
	})
	return n, reset, err
}

// Attempt implements Store.
func (s *ResilientStore) Attempt(ctx context.Context, key, lockKey string, now time.Time, window time.Duration, max int, lockFor time.Duration) (r AttemptResult, err error) {
	err = s.do(ctx, "attempt", func(ctx context.Context) (err error) {
		r, err = s.inner.Attempt(ctx, key, lockKey, now, window, max, lockFor)
		return err
	})
	return r, err
}

// Unattempt implements Store.
func (s *ResilientStore) Unattempt(ctx context.Context, key string, now time.Time) error {
	return s.do(ctx, "unattempt", func(ctx context.Context) error { return s.inner.Unattempt(ctx, key, now) })
}

// Mark implements Store.
func (s *ResilientStore) Mark(ctx context.Context, key string, now, until time.Time) error {
	return s.do(ctx, "mark", func(ctx context.Context) error { return s.inner.Mark(ctx, key, now, until) })
}

// Marked implements Store.
func (s *ResilientStore) Marked(ctx context.Context, key string, now time.Time) (until time.Time, ok bool, err error) {
	err = s.do(ctx, "marked", func(ctx context.Context) (err error) {
		until, ok, err = s.inner.Marked(ctx, key, now)
		return err
	})
	return until, ok, err
}

// Delete implements Store.
func (s *ResilientStore) Delete(ctx context.Context, keys ...string) error {
	return s.do(ctx, "delete", func(ctx context.Context) error { return s.inner.Delete(ctx, keys...) })
}

// GCRA implements Store.
func (s *ResilientStore) GCRA(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (r GCRAResult, err error) {
	err = s.do(ctx, "gcra", func(ctx context.Context) (err error) {
		r, err = s.inner.GCRA(ctx, key, now, interval, burst)
		return err
	})
	return r, err
}

// PutValue implements Store.
func (s *ResilientStore) PutValue(ctx context.Context, key string, value []byte, now, until time.Time) error {
	return s.do(ctx, "put", func(ctx context.Context) error { return s.inner.PutValue(ctx, key, value, now, until) })
}

// TakeValue implements Store.
func (s *ResilientStore) TakeValue(ctx context.Context, key string, now time.Time) (v []byte, ok bool, err error) {
	err = s.do(ctx, "take", func(ctx context.Context) (err error) {
		v, ok, err = s.inner.TakeValue(ctx, key, now)
		return err
	})
	return v, ok, err
}

// PutSession implements Store.
func (s *ResilientStore) PutSession(ctx context.Context, rec SessionRecord, now time.Time, maxPerUser int) (ev []string, err error) {
	err = s.do(ctx, "put session", func(ctx context.Context) (err error) {
		ev, err = s.inner.PutSession(ctx, rec, now, maxPerUser)
		return err
	})
	return ev, err
}

// GetSession implements Store.
func (s *ResilientStore) GetSession(ctx context.Context, userID, id string, now time.Time) (rec SessionRecord, ok bool, err error) {
	err = s.do(ctx, "get session", func(ctx context.Context) (err error) {
		rec, ok, err = s.inner.GetSession(ctx, userID, id, now)
		return err
	})
	return rec, ok, err
}

// TouchSession implements Store.
func (s *ResilientStore) TouchSession(ctx context.Context, userID, id string, now, lastSeen, expires time.Time) (ok bool, err error) {
	err = s.do(ctx, "touch session", func(ctx context.Context) (err error) {
		ok, err = s.inner.TouchSession(ctx, userID, id, now, lastSeen, expires)
		return err
	})
	return ok, err
}

// ListSessions implements Store.
func (s *ResilientStore) ListSessions(ctx context.Context, userID string, now time.Time) (recs []SessionRecord, err error) {
	err = s.do(ctx, "list sessions", func(ctx context.Context) (err error) {
		recs, err = s.inner.ListSessions(ctx, userID, now)
		return err
	})
	return recs, err
}

// DeleteSessions implements Store.
func (s *ResilientStore) DeleteSessions(ctx context.Context, userID string, ids ...string) (n int, err error) {
	err = s.do(ctx, "delete sessions", func(ctx context.Context) (err error) {
		n, err = s.inner.DeleteSessions(ctx, userID, ids...)
		return err
	})
	return n, err
}

// DeleteUserSessions implements Store.
func (s *ResilientStore) DeleteUserSessions(ctx context.Context, userID, except string) (n int, err error) {
	err = s.do(ctx, "delete user sessions", func(ctx context.Context) (err error) {
		n, err = s.inner.DeleteUserSessions(ctx, userID, except)
		return err
	})
	return n, err
}
