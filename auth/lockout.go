package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// LockoutConfig configures Lockout. Zero fields take the defaults noted.
type LockoutConfig struct {
	// MaxFailures is how many failures inside Window lock the account (default 5).
	MaxFailures int
	// Window is the failure-counting window, from the first failure (default 15m).
	Window time.Duration
	// Duration is how long a lock lasts (default 15m).
	Duration time.Duration
	// PairMaxFailures, when positive, adds a second, usually lower, limit
	// per (account, client IP) pair to Begin: one address guessing at an
	// account is locked out (for Duration) after PairMaxFailures attempts,
	// while the account as a whole still admits MaxFailures from all
	// addresses together. Zero (the default) counts per account only.
	PairMaxFailures int
	// PerAccountAndIP counts and locks per (account, client IP) pair instead
	// of per account in Check, Fail and Succeed.
	//
	// Deprecated: it let an attacker spreading guesses over many IPs get
	// MaxFailures checks per IP. Begin always counts per account; use
	// PairMaxFailures for an extra per-pair limit. Begin ignores this field.
	PerAccountAndIP bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Lockout is brute-force regulation in the style of Authelia's regulator.
// Begin counts each login attempt per account atomically before its
// password is checked: at most MaxFailures attempts inside Window are
// admitted, the next one locks the account for Duration, and a successful
// login (Attempt.Succeed) clears the count. State lives in a Store, so
// replicas sharing a RedisStore share locks. Store keys hold a hash of the
// account and IP, never the email itself. It is safe for concurrent use.
type Lockout struct {
	store Store
	cfg   LockoutConfig
}

// NewLockout returns a Lockout over store with cfg's defaults applied.
func NewLockout(store Store, cfg LockoutConfig) *Lockout {
	if cfg.MaxFailures <= 0 {
		cfg.MaxFailures = 5
	}
	if cfg.Window <= 0 {
		cfg.Window = 15 * time.Minute
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Lockout{store: store, cfg: cfg}
}

// subject returns the hashed store key suffix for an account (trimmed,
// lower-cased) and, in the deprecated per-pair mode, the client IP's ClientKey.
func (l *Lockout) subject(account, ip string) string {
	if l.cfg.PerAccountAndIP {
		return pairSubject(account, ip)
	}
	return accountSubject(account)
}

// accountSubject is the hashed key of an account (trimmed, lower-cased).
func accountSubject(account string) string { return hashSubject(account, "", false) }

// pairSubject is the hashed key of an (account, ClientKey(ip)) pair.
func pairSubject(account, ip string) string { return hashSubject(account, ip, true) }

func hashSubject(account, ip string, pair bool) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(account))))
	if pair {
		h.Write([]byte{0})
		h.Write([]byte(ClientKey(ip)))
	}
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:18])
}

// Store keys of a subject: the counter and the lock share a Redis Cluster
// hash tag, so one script may touch both.
func failKey(sub string) string { return "fail:{" + sub + "}" }
func lockKey(sub string) string { return "lock:{" + sub + "}" }

// Check returns a *LockedError (matching ErrLocked) while the account (or
// account and IP) is locked, nil otherwise, or a store error.
//
// Deprecated: use Begin, which checks and counts in one atomic step.
func (l *Lockout) Check(ctx context.Context, account, ip string) error {
	now := l.cfg.Now()
	until, locked, err := l.store.Marked(ctx, lockKey(l.subject(account, ip)), now)
	if err != nil {
		return fmt.Errorf("auth: lockout check: %w", err)
	}
	if locked {
		return &LockedError{Until: until, RetryAfter: ceilSecond(until.Sub(now))}
	}
	return nil
}

// Fail records a failed attempt. The failure that reaches MaxFailures
// inside the window locks the account for Duration and restarts the count;
// Fail then returns the *LockedError, so callers may answer with it.
//
// Deprecated: Check before and Fail after the password check are separate
// store operations, so a parallel burst of guesses all pass Check. Use
// Begin, which counts the attempt atomically before the check.
func (l *Lockout) Fail(ctx context.Context, account, ip string) error {
	now := l.cfg.Now()
	sub := l.subject(account, ip)
	n, _, err := l.store.Incr(ctx, failKey(sub), now, l.cfg.Window)
	if err != nil {
		return fmt.Errorf("auth: lockout fail: %w", err)
	}
	if n < int64(l.cfg.MaxFailures) {
		return nil
	}
	until := now.Add(l.cfg.Duration)
	if err := l.store.Mark(ctx, lockKey(sub), now, until); err != nil {
		return fmt.Errorf("auth: lockout lock: %w", err)
	}
	if err := l.store.Delete(ctx, failKey(sub)); err != nil {
		return fmt.Errorf("auth: lockout reset: %w", err)
	}
	return &LockedError{Until: until, RetryAfter: ceilSecond(l.cfg.Duration)}
}

// Succeed clears the failure count after a successful login. It does not
// lift an active lock: Check runs before the password is verified.
//
// Deprecated: use Begin and Attempt.Succeed.
func (l *Lockout) Succeed(ctx context.Context, account, ip string) error {
	if err := l.store.Delete(ctx, failKey(l.subject(account, ip))); err != nil {
		return fmt.Errorf("auth: lockout reset: %w", err)
	}
	return nil
}

// Unlock lifts the account's lock and clears its count (an administrator
// action), and those of the (account, ip) pair.
func (l *Lockout) Unlock(ctx context.Context, account, ip string) error {
	acct, pair := accountSubject(account), pairSubject(account, ip)
	if err := l.store.Delete(ctx, lockKey(acct), failKey(acct), lockKey(pair), failKey(pair)); err != nil {
		return fmt.Errorf("auth: lockout unlock: %w", err)
	}
	return nil
}

// Attempt is one admitted login attempt, from Lockout.Begin (or
// LoginGuard.Begin) until the password check's outcome is reported with
// Succeed or Fail. It has been counted already. Its methods are safe to
// call once each; an Attempt is not meant to be shared between goroutines.
type Attempt struct {
	l        *Lockout
	subjects []string // account, and the pair when PairMaxFailures is set
}

// Begin counts a login attempt for account (from client ip) before its
// password is checked, in one atomic store operation per limit. While the
// account is locked, or when this attempt would exceed MaxFailures inside
// the window (this attempt then sets the lock), it returns a *LockedError
// (matching ErrLocked) and the password must not be checked. So however
// many guesses run in parallel, at most MaxFailures passwords per account
// are checked per window (plus one per success, which resets the count).
//
// With PairMaxFailures set, the (account, ip) pair is limited too, after
// the account: a refusal there has still counted toward the account.
// A store failure returns an error matching ErrStore: the login must be
// refused (503 state_unavailable), never let through.
func (l *Lockout) Begin(ctx context.Context, account, ip string) (*Attempt, error) {
	a := &Attempt{l: l, subjects: []string{accountSubject(account)}}
	if l.cfg.PairMaxFailures > 0 {
		a.subjects = append(a.subjects, pairSubject(account, ip))
	}
	now := l.cfg.Now()
	for i, sub := range a.subjects {
		limit := l.cfg.MaxFailures
		if i == 1 {
			limit = l.cfg.PairMaxFailures
		}
		r, err := l.store.Attempt(ctx, failKey(sub), lockKey(sub), now, l.cfg.Window, limit, l.cfg.Duration)
		if err != nil {
			return nil, fmt.Errorf("auth: lockout attempt: %w", err)
		}
		if !r.Admitted {
			return nil, &LockedError{Until: r.LockedUntil, RetryAfter: ceilSecond(r.LockedUntil.Sub(now))}
		}
	}
	return a, nil
}

// Succeed reports that the password was right. If a lock was set on the
// account (or pair) while the password was being checked, by attempts
// admitted after this one, it returns that *LockedError: the caller must
// then answer exactly as for a wrong password (the attempt stays counted),
// so a lock never confirms a right password. Otherwise it clears the
// counts and returns nil. A store failure returns an error matching
// ErrStore; the login must then be refused.
func (a *Attempt) Succeed(ctx context.Context) error {
	now := a.l.cfg.Now()
	for _, sub := range a.subjects {
		until, locked, err := a.l.store.Marked(ctx, lockKey(sub), now)
		if err != nil {
			return fmt.Errorf("auth: lockout check: %w", err)
		}
		if locked {
			return &LockedError{Until: until, RetryAfter: ceilSecond(until.Sub(now))}
		}
	}
	keys := make([]string, len(a.subjects))
	for i, sub := range a.subjects {
		keys[i] = failKey(sub)
	}
	if err := a.l.store.Delete(ctx, keys...); err != nil {
		return fmt.Errorf("auth: lockout reset: %w", err)
	}
	return nil
}

// Release takes the attempt back: the password was never checked (the
// user lookup failed, the hashing pool was full), so it must not count
// toward the lockout; an outage would otherwise lock users out. Use it
// instead of Succeed or Fail. A store failure returns an error matching
// ErrStore.
func (a *Attempt) Release(ctx context.Context) error {
	now := a.l.cfg.Now()
	for _, sub := range a.subjects {
		if err := a.l.store.Unattempt(ctx, failKey(sub), now); err != nil {
			return fmt.Errorf("auth: lockout release: %w", err)
		}
	}
	return nil
}

// Fail reports that the password was wrong (or the account unknown or
// inactive). The attempt was counted when it began, so there is nothing
// left to record: Fail does no I/O and returns nil. It exists so the login
// flow reads the same whichever way the check went.
func (a *Attempt) Fail(context.Context) error { return nil }
