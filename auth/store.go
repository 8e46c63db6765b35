package auth

import (
	"context"
	"time"
)

// Store holds the small amount of shared state auth needs: failure counters
// with expiry (lockout), marks with an end time (locks, the session
// revocation set) and rate-limit cells (GCRA). MemoryStore serves one
// process; RedisStore lets several replicas share the state.
//
// Every method takes the caller's current time, and implementations decide
// expiry with it rather than with their own clock, so one injected clock
// drives all time rules (also against a real Redis). A key is used by one
// kind of operation only. Implementations are safe for concurrent use and
// each method is atomic.
type Store interface {
	// Incr adds one to the counter at key and returns the new count and the
	// end of its window. A missing or expired counter starts a new window
	// that ends at now+window (a fixed window counted from the first event).
	Incr(ctx context.Context, key string, now time.Time, window time.Duration) (count int64, resetAt time.Time, err error)
	// Mark records key as present until the given time, replacing any
	// earlier mark. A time not after now deletes the mark.
	Mark(ctx context.Context, key string, now, until time.Time) error
	// Marked returns the end of the mark at key and whether it is still in
	// force at now.
	Marked(ctx context.Context, key string, now time.Time) (until time.Time, ok bool, err error)
	// Delete removes the keys; missing keys are ignored.
	Delete(ctx context.Context, keys ...string) error
	// GCRA runs one step of the generic cell rate algorithm at key: one
	// request every interval on average, bursts of up to burst requests.
	// Allowed requests are counted; denied ones change nothing.
	GCRA(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (GCRAResult, error)
}

// GCRAResult is the outcome of one Store.GCRA step.
type GCRAResult struct {
	// Allowed reports whether the request conforms.
	Allowed bool
	// RetryAfter is how long until a request would conform (zero when allowed).
	RetryAfter time.Duration
	// Remaining is how many more requests would conform right now.
	Remaining int
}

// gcraStep is the algorithm shared by MemoryStore (and mirrored by the Redis
// script): tat is the stored theoretical arrival time (zero when absent).
// It returns the result and the new tat to store when allowed.
func gcraStep(tat, now time.Time, interval time.Duration, burst int) (GCRAResult, time.Time) {
	if tat.Before(now) {
		tat = now
	}
	newTAT := tat.Add(interval)
	allowAt := newTAT.Add(-interval * time.Duration(burst))
	if now.Before(allowAt) {
		return GCRAResult{RetryAfter: allowAt.Sub(now)}, time.Time{}
	}
	return GCRAResult{Allowed: true, Remaining: int(now.Sub(allowAt) / interval)}, newTAT
}
