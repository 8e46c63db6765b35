package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RateLimitError is a request refused by a rate limit. It matches
// ErrRateLimited. Routes answer 429 rate_limited with Retry-After.
type RateLimitError struct {
	// Policy is the name of the policy that refused (PolicyLoginIP, ...).
	Policy string
	// RetryAfter is how long until a request would be allowed.
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("auth: rate limited by %s, retry after %s", e.Policy, ceilSecond(e.RetryAfter))
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// LoginGuardConfig configures a LoginGuard.
type LoginGuardConfig struct {
	// Limiter applies the rate limits (required). It must know IPPolicy
	// (unless SkipIPLimit) and AccountPolicy.
	Limiter *Limiter
	// Lockout counts attempts per account (required).
	Lockout *Lockout
	// IPPolicy limits login attempts per client address (ClientKey)
	// (default PolicyLoginIP).
	IPPolicy string
	// AccountPolicy limits login attempts per account, from all addresses
	// together (default PolicyLoginAccount).
	AccountPolicy string
	// SkipIPLimit leaves the per-IP limit out, for callers that apply it
	// in middleware already (each request must count once).
	SkipIPLimit bool
}

// LoginGuard is what a login handler calls before it checks a password:
// the per-IP rate limit, the per-account rate limit and the lockout
// attempt, in that order, in one call. It is safe for concurrent use.
type LoginGuard struct {
	cfg LoginGuardConfig
}

// NewLoginGuard validates cfg. Errors match ErrConfig (or ErrUnknownPolicy
// for a policy the Limiter does not have) and list every problem.
func NewLoginGuard(cfg LoginGuardConfig) (*LoginGuard, error) {
	if cfg.IPPolicy == "" {
		cfg.IPPolicy = PolicyLoginIP
	}
	if cfg.AccountPolicy == "" {
		cfg.AccountPolicy = PolicyLoginAccount
	}
	var errs []error
	if cfg.Lockout == nil {
		errs = append(errs, fmt.Errorf("%w: login guard needs a Lockout", ErrConfig))
	}
	if cfg.Limiter == nil {
		errs = append(errs, fmt.Errorf("%w: login guard needs a Limiter", ErrConfig))
	} else {
		for _, p := range []string{cfg.IPPolicy, cfg.AccountPolicy} {
			if p == cfg.IPPolicy && cfg.SkipIPLimit {
				continue
			}
			if _, ok := cfg.Limiter.policies[p]; !ok {
				errs = append(errs, fmt.Errorf("%w: %q (login guard)", ErrUnknownPolicy, p))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &LoginGuard{cfg: cfg}, nil
}

// Begin admits one login attempt for account (the normalised email) from
// client ip, or refuses it:
//
//   - *RateLimitError (ErrRateLimited) from the per-IP or per-account limit
//     → 429 rate_limited with Retry-After;
//   - *LockedError (ErrLocked) from the lockout → 429 account_locked with
//     Retry-After (never after the password was checked: see Attempt.Succeed);
//   - an error matching ErrStore when the state store fails → 503
//     state_unavailable. The login is refused, never let through.
//
// On success the password may be checked once; report the outcome with
// the Attempt's Succeed or Fail. The account limit keys on a hash of the
// account, never the email itself.
func (g *LoginGuard) Begin(ctx context.Context, account, ip string) (*Attempt, error) {
	if !g.cfg.SkipIPLimit {
		if err := g.limit(ctx, g.cfg.IPPolicy, ClientKey(ip)); err != nil {
			return nil, err
		}
	}
	if err := g.limit(ctx, g.cfg.AccountPolicy, "acct:"+accountSubject(account)); err != nil {
		return nil, err
	}
	return g.cfg.Lockout.Begin(ctx, account, ip)
}

func (g *LoginGuard) limit(ctx context.Context, policy, key string) error {
	d, err := g.cfg.Limiter.Allow(ctx, policy, key)
	if err != nil {
		return fmt.Errorf("auth: login guard: %w", err)
	}
	if !d.Allowed {
		return &RateLimitError{Policy: policy, RetryAfter: d.RetryAfter}
	}
	return nil
}
