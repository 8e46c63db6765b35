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
	// PerAccountAndIP counts and locks per (account, client IP) pair instead
	// of per account: a known victim cannot be locked out from elsewhere,
	// but an attacker spreading guesses over many IPs gets MaxFailures per IP.
	// Pair it with per-account rate limits.
	PerAccountAndIP bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Lockout is brute-force regulation in the style of Authelia's regulator:
// MaxFailures failures inside Window lock the account for Duration; a
// success clears the count. State lives in a Store, so replicas sharing a
// RedisStore share locks. Store keys hold a hash of the account and IP,
// never the email itself. It is safe for concurrent use.
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
// lower-cased) and, in per-pair mode, the client IP's ClientKey.
func (l *Lockout) subject(account, ip string) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(strings.TrimSpace(account))))
	if l.cfg.PerAccountAndIP {
		h.Write([]byte{0})
		h.Write([]byte(ClientKey(ip)))
	}
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:18])
}

// Check returns a *LockedError (matching ErrLocked) while the account (or
// account and IP) is locked, nil otherwise, or a store error.
func (l *Lockout) Check(ctx context.Context, account, ip string) error {
	now := l.cfg.Now()
	until, locked, err := l.store.Marked(ctx, "lock:"+l.subject(account, ip), now)
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
func (l *Lockout) Fail(ctx context.Context, account, ip string) error {
	now := l.cfg.Now()
	sub := l.subject(account, ip)
	n, _, err := l.store.Incr(ctx, "fail:"+sub, now, l.cfg.Window)
	if err != nil {
		return fmt.Errorf("auth: lockout fail: %w", err)
	}
	if n < int64(l.cfg.MaxFailures) {
		return nil
	}
	until := now.Add(l.cfg.Duration)
	if err := l.store.Mark(ctx, "lock:"+sub, now, until); err != nil {
		return fmt.Errorf("auth: lockout lock: %w", err)
	}
	if err := l.store.Delete(ctx, "fail:"+sub); err != nil {
		return fmt.Errorf("auth: lockout reset: %w", err)
	}
	return &LockedError{Until: until, RetryAfter: ceilSecond(l.cfg.Duration)}
}

// Succeed clears the failure count after a successful login. It does not
// lift an active lock: Check runs before the password is verified.
func (l *Lockout) Succeed(ctx context.Context, account, ip string) error {
	if err := l.store.Delete(ctx, "fail:"+l.subject(account, ip)); err != nil {
		return fmt.Errorf("auth: lockout reset: %w", err)
	}
	return nil
}

// Unlock lifts a lock and clears the count (an administrator action).
func (l *Lockout) Unlock(ctx context.Context, account, ip string) error {
	sub := l.subject(account, ip)
	if err := l.store.Delete(ctx, "lock:"+sub, "fail:"+sub); err != nil {
		return fmt.Errorf("auth: lockout unlock: %w", err)
	}
	return nil
}
