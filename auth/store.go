package auth

import (
	"context"
	"time"
)

// Store holds the small amount of shared state auth needs: failure counters
// with expiry and atomic login attempts (lockout), marks with an end time
// (locks), rate-limit cells (GCRA), single-use values (account tokens) and
// the session registry. MemoryStore serves one process; RedisStore lets
// several replicas share the state; ResilientStore wraps either with
// timeouts and a breaker.
//
// Every method takes the caller's current time, and implementations decide
// expiry with it rather than with their own clock, so one injected clock
// drives all time rules (also against a real Redis). The one exception is
// documented on GCRA. A key is used by one kind of operation only (a
// counter key may serve Incr and Attempt alike). Implementations are safe
// for concurrent use and each method is atomic. Failures of the backing
// service wrap ErrStore.
type Store interface {
	// Incr adds one to the counter at key and returns the new count and the
	// end of its window. A missing or expired counter starts a new window
	// that ends at now+window (a fixed window counted from the first event).
	Incr(ctx context.Context, key string, now time.Time, window time.Duration) (count int64, resetAt time.Time, err error)
	// Attempt is one login attempt, counted before the password is checked:
	// while the mark at lockKey is in force it is refused and nothing
	// changes; otherwise the counter at key (as for Incr) is incremented,
	// and if that makes it exceed max the attempt is refused, lockKey is
	// marked until now+lockFor and the counter is deleted. All of it is
	// one atomic step, so parallel attempts never admit more than max per
	// window.
	Attempt(ctx context.Context, key, lockKey string, now time.Time, window time.Duration, max int, lockFor time.Duration) (AttemptResult, error)
	// Unattempt takes back one attempt counted by Attempt at key (the
	// password was never checked): the count goes down by one, never below
	// zero, and its window is unchanged. A missing or expired counter is
	// left alone.
	Unattempt(ctx context.Context, key string, now time.Time) error
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
	// Allowed requests are counted; denied ones change nothing. A request
	// is never denied because another one stamped later ran first: the
	// step uses the later of now and the latest time the cell has seen
	// (RedisStore by default ignores now and takes Redis's own clock).
	GCRA(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (GCRAResult, error)
	// PutValue stores value at key until the given time, replacing any
	// earlier value. It must not be evicted before then (MemoryStore
	// counts it against MaxMarks).
	PutValue(ctx context.Context, key string, value []byte, now, until time.Time) error
	// TakeValue returns and deletes the value at key in one atomic step,
	// so of two concurrent calls at most one gets it. ok is false for a
	// missing or expired value.
	TakeValue(ctx context.Context, key string, now time.Time) (value []byte, ok bool, err error)

	SessionStore
}

// SessionStore is the session registry part of a Store: one record per
// live session, grouped per user, so that revoking a session is deleting
// its record and no user's volume uses another's capacity.
type SessionStore interface {
	// PutSession adds or replaces rec in its user's set, drops that user's
	// records expired at now, and, while the user holds more than
	// maxPerUser records, removes the oldest ones (by Created) and returns
	// their ids. A MemoryStore whose session budget is full evicts the
	// same user's oldest record instead of growing, and refuses the first
	// record of a user who holds none with ErrStoreFull.
	PutSession(ctx context.Context, rec SessionRecord, now time.Time, maxPerUser int) (evicted []string, err error)
	// GetSession returns the record of session id of userID, with ok
	// false when it is missing or expired at now.
	GetSession(ctx context.Context, userID, id string, now time.Time) (rec SessionRecord, ok bool, err error)
	// TouchSession sets the record's LastSeen to lastSeen and, when expires
	// is later than the record's, its Expires to expires. It changes
	// nothing and reports false when the record is missing or expired:
	// a touch never resurrects a revoked session.
	TouchSession(ctx context.Context, userID, id string, now, lastSeen, expires time.Time) (ok bool, err error)
	// ListSessions returns the user's records not expired at now, in no
	// particular order.
	ListSessions(ctx context.Context, userID string, now time.Time) ([]SessionRecord, error)
	// DeleteSessions removes the given sessions of userID and returns how
	// many existed.
	DeleteSessions(ctx context.Context, userID string, ids ...string) (int, error)
	// DeleteUserSessions removes every session of userID except the one
	// with id except (none when empty), atomically, and returns how many
	// it removed.
	DeleteUserSessions(ctx context.Context, userID, except string) (int, error)
}

// AttemptResult is the outcome of Store.Attempt.
type AttemptResult struct {
	// Admitted reports whether the attempt may check a password.
	Admitted bool
	// Count is the number of attempts counted in the window including this
	// one (zero when an existing lock refused it).
	Count int64
	// LockedUntil is the end of the lock that refused the attempt (zero
	// when admitted).
	LockedUntil time.Time
}

// SessionRecord is a session registry entry. Times are kept at microsecond
// precision.
type SessionRecord struct {
	// ID is the session id (the token's jti); UserID the subject.
	ID, UserID string
	// Created is the sign-in time, LastSeen the last (throttled) use and
	// Expires the end of the newest token issued for the session.
	Created, LastSeen, Expires time.Time
	// ClientIP and UserAgent describe the client that signed in (as given
	// to Sessions.Start; the user agent truncated to 256 bytes).
	ClientIP, UserAgent string
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

// The stores implement Store.
var (
	_ Store = (*MemoryStore)(nil)
	_ Store = (*RedisStore)(nil)
	_ Store = (*ResilientStore)(nil)
)
