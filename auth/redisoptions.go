package auth

import (
	"time"

	"github.com/redis/go-redis/v9"
)

// Recommended go-redis settings for the state store (see TuneRedisOptions).
const (
	RedisDialTimeout  = 500 * time.Millisecond
	RedisReadTimeout  = 250 * time.Millisecond
	RedisWriteTimeout = 250 * time.Millisecond
	RedisPoolTimeout  = 250 * time.Millisecond
)

// TuneRedisOptions fills the settings of o that are still zero with values
// fit for the state store, and leaves the rest (for example timeouts from
// a REDIS_URL query) alone:
//
//   - short dial, read, write and pool timeouts (RedisDialTimeout, ...),
//     so a dead or frozen Redis costs a request a fraction of a second
//     instead of go-redis's 5 s defaults, and a full pool fails at once;
//   - one retry (MaxRetries 1, backoff 8–64 ms) and one dial attempt
//     (DialerRetries 1) instead of 3 retries and 5 dials: enough to get
//     over a pooled connection that a Redis restart closed, never a retry
//     storm against a Redis that is down (ResilientStore's breaker does
//     the rest);
//   - ContextTimeoutEnabled, so a request's deadline bounds its Redis calls.
//
// Apply it before redis.NewClient; o must not be nil.
func TuneRedisOptions(o *redis.Options) {
	if o.DialTimeout == 0 {
		o.DialTimeout = RedisDialTimeout
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = 1
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = RedisReadTimeout
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = RedisWriteTimeout
	}
	if o.PoolTimeout == 0 {
		o.PoolTimeout = RedisPoolTimeout
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 1
	}
	if o.MinRetryBackoff == 0 {
		o.MinRetryBackoff = 8 * time.Millisecond
	}
	if o.MaxRetryBackoff == 0 {
		o.MaxRetryBackoff = 64 * time.Millisecond
	}
	o.ContextTimeoutEnabled = true
}
