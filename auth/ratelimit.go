package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
	"time"
)

// Policy is a rate limit: Rate requests per second on average, with bursts
// of up to Burst requests.
type Policy struct {
	Rate  float64 // requests per second on average, > 0
	Burst int     // requests allowed at once, >= 1
}

// interval is the emission interval at the microsecond precision both
// stores share.
func (p Policy) interval() time.Duration {
	return max(time.Duration(float64(time.Second)/p.Rate).Truncate(time.Microsecond), time.Microsecond)
}

// Names of the policies DefaultPolicies defines.
const (
	PolicyLoginIP      = "login_ip"
	PolicyLoginAccount = "login_account"
	PolicyAPIIP        = "api_ip"
)

// DefaultPolicies returns starting points: logins per client IP (burst 10,
// then one per 6 s), logins per account (burst 5, then one per 12 s), and
// general API calls per client IP (burst 100, then 20/s).
func DefaultPolicies() map[string]Policy {
	return map[string]Policy{
		PolicyLoginIP:      {Rate: 1.0 / 6, Burst: 10},
		PolicyLoginAccount: {Rate: 1.0 / 12, Burst: 5},
		PolicyAPIIP:        {Rate: 20, Burst: 100},
	}
}

// Decision is the outcome of Limiter.Allow.
type Decision struct {
	// Allowed reports whether the request may proceed.
	Allowed bool
	// RetryAfter is how long until a request would be allowed (zero when allowed).
	RetryAfter time.Duration
	// Remaining is how many more requests would be allowed right now.
	Remaining int
}

// Err returns nil for an allowed decision, otherwise an error matching
// ErrRateLimited that carries the retry hint in its text.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return fmt.Errorf("%w: retry after %s", ErrRateLimited, ceilSecond(d.RetryAfter))
}

// Limiter applies named GCRA policies to keys. State lives in a Store, so
// replicas sharing a RedisStore share limits. It is safe for concurrent use.
type Limiter struct {
	store    Store
	policies map[string]Policy
	now      func() time.Time
}

// NewLimiter returns a Limiter over store. now defaults to time.Now. It
// fails (matching ErrConfig, listing every bad policy) unless each policy
// has a finite Rate > 0 and Burst >= 1; the signature returns an error so
// a bad configuration stops startup rather than the first request.
func NewLimiter(store Store, policies map[string]Policy, now func() time.Time) (*Limiter, error) {
	if now == nil {
		now = time.Now
	}
	names := make([]string, 0, len(policies))
	for name := range policies {
		names = append(names, name)
	}
	sort.Strings(names)
	var errs []error
	ps := make(map[string]Policy, len(policies))
	for _, name := range names {
		p := policies[name]
		if !(p.Rate > 0) || math.IsInf(p.Rate, 0) || p.Rate > 1e6 || p.Burst < 1 {
			errs = append(errs, fmt.Errorf("%w: rate-limit policy %q needs 0 < Rate <= 1e6 and Burst >= 1", ErrConfig, name))
		}
		ps[name] = p
	}
	if store == nil {
		errs = append(errs, fmt.Errorf("%w: rate limiter needs a Store", ErrConfig))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Limiter{store: store, policies: ps, now: now}, nil
}

// Allow counts one request for key under the named policy. An unknown
// policy fails with ErrUnknownPolicy; a failing store with an error matching
// ErrStore (callers choose to fail open or closed).
func (l *Limiter) Allow(ctx context.Context, policy, key string) (Decision, error) {
	p, ok := l.policies[policy]
	if !ok {
		return Decision{}, fmt.Errorf("%w: %q", ErrUnknownPolicy, policy)
	}
	r, err := l.store.GCRA(ctx, "rl:"+policy+":"+key, l.now(), p.interval(), p.Burst)
	if err != nil {
		return Decision{}, fmt.Errorf("auth: rate limit: %w", err)
	}
	return Decision(r), nil
}

// ClientKey returns the rate-limit and lockout key for a client IP: the
// address itself for IPv4 (and IPv4-mapped IPv6), the /64 prefix for IPv6,
// since one subscriber usually holds a whole /64. Zones are dropped. Input
// that is not an IP address maps to one shared "ip:invalid" key.
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "ip:invalid"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return "ip4:" + a.String()
	}
	pfx, _ := a.Prefix(64) // cannot fail for an IPv6 address
	return "ip6:" + pfx.String()
}
