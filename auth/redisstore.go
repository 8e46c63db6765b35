package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a Store in Redis, shared by every gateway replica that uses
// the same Redis and prefix. Each operation is one atomic command or Lua
// script. Times are stored as microseconds since the Unix epoch and expiry
// is decided against the caller's clock passed in as an argument; Redis key
// TTLs (relative) only collect garbage. The exception is GCRA, which by
// default reads Redis's clock (TIME) so that a request delayed on its way
// (a stalled Redis, a retry, another replica's skewed clock) is judged at
// the moment it runs (see RedisStoreConfig.CallerClock).
//
// Keys that one script touches together share a Redis Cluster hash tag
// ({...}), so the prefix must not contain braces.
type RedisStore struct {
	client      redis.UniversalClient
	prefix      string
	callerClock bool
}

// RedisStoreConfig configures a RedisStore. The zero value is usable.
type RedisStoreConfig struct {
	// Prefix goes before every key, for example "convexgw:".
	Prefix string
	// CallerClock makes GCRA use the time its caller passes, like every
	// other operation, instead of Redis TIME. Tests with an injected clock
	// set it. A request stamped before the latest one a cell allowed is
	// then judged at that later time, so a stall never causes denials,
	// but replicas' clock skew moves the limits by as much.
	CallerClock bool
}

// NewRedisStore returns a RedisStore that puts prefix before every key (for
// example "convexgw:auth:"), with GCRA on Redis's clock. It does no I/O;
// the caller owns and closes client.
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	return NewRedisStoreWith(client, RedisStoreConfig{Prefix: prefix})
}

// NewRedisStoreWith returns a RedisStore configured by cfg. It does no I/O;
// the caller owns and closes client.
func NewRedisStoreWith(client redis.UniversalClient, cfg RedisStoreConfig) *RedisStore {
	return &RedisStore{client: client, prefix: cfg.Prefix, callerClock: cfg.CallerClock}
}

// Counters are hashes {c: count, e: window end}; marks and GCRA cells are
// strings holding an end time. Numbers are written with %.0f because Lua's
// default number formatting keeps only 14 digits.
var (
	incrScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local v = redis.call('HMGET', KEYS[1], 'c', 'e')
local c, e = tonumber(v[1]), tonumber(v[2])
if not c or not e or e <= now then
  c = 0
  e = now + tonumber(ARGV[2])
end
c = c + 1
redis.call('HSET', KEYS[1], 'c', string.format('%.0f', c), 'e', string.format('%.0f', e))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((e - now) / 1000)))
return {c, e}
`)
	markScript = redis.NewScript(`
local now, untl = tonumber(ARGV[1]), tonumber(ARGV[2])
if untl <= now then
  return redis.call('DEL', KEYS[1])
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', math.max(1, math.ceil((untl - now) / 1000)))
return 1
`)
	// GCRA cells hold "tat:seen" (seen: the latest request time allowed);
	// a bare "tat" from an older version still reads.
	gcraScript = redis.NewScript(`
local now
if ARGV[4] == '1' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[1])
end
local interval, burst = tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = now
local v = redis.call('GET', KEYS[1])
if v then
  local a, b = string.match(v, '^(%d+):?(%d*)$')
  local seen = tonumber(b)
  if seen and seen > now then now = seen end
  local stored = tonumber(a)
  if stored and stored > now then tat = stored else tat = now end
end
local newtat = tat + interval
local allowat = newtat - interval * burst
if now < allowat then
  return {0, allowat - now, 0}
end
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', newtat, now), 'PX', math.max(1, math.ceil((newtat - now) / 1000)))
return {1, 0, math.floor((now - allowat) / interval)}
`)
	// attemptScript: KEYS counter, lock; ARGV now, window, max, lockFor.
	// Replies {admitted, count, lockedUntil}.
	attemptScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local l = redis.call('GET', KEYS[2])
if l then
  local lu = tonumber(l)
  if lu and lu > now then return {0, 0, lu} end
end
local v = redis.call('HMGET', KEYS[1], 'c', 'e')
local c, e = tonumber(v[1]), tonumber(v[2])
if not c or not e or e <= now then
  c = 0
  e = now + tonumber(ARGV[2])
end
c = c + 1
if c > tonumber(ARGV[3]) then
  local untl = now + tonumber(ARGV[4])
  redis.call('SET', KEYS[2], string.format('%.0f', untl), 'PX', math.max(1, math.ceil((untl - now) / 1000)))
  redis.call('DEL', KEYS[1])
  return {0, c, untl}
end
redis.call('HSET', KEYS[1], 'c', string.format('%.0f', c), 'e', string.format('%.0f', e))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((e - now) / 1000)))
return {1, c, 0}
`)
	// unattemptScript: KEYS counter; ARGV now. Takes one back from a live count.
	unattemptScript = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], 'c', 'e')
local c, e = tonumber(v[1]), tonumber(v[2])
if c and e and e > tonumber(ARGV[1]) and c > 0 then
  redis.call('HSET', KEYS[1], 'c', string.format('%.0f', c - 1))
end
return 0
`)
	// takeScript returns and deletes a value ("until:bytes").
	takeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v
`)
)

func micros(t time.Time) int64 { return t.UnixMicro() }

func storeErr(op string, err error) error {
	return fmt.Errorf("%w: redis %s: %w", ErrStore, op, err)
}

// Incr implements Store.
func (r *RedisStore) Incr(ctx context.Context, key string, now time.Time, window time.Duration) (int64, time.Time, error) {
	res, err := incrScript.Run(ctx, r.client, []string{r.prefix + key}, micros(now), window.Microseconds()).Int64Slice()
	if err != nil {
		return 0, time.Time{}, storeErr("incr", err)
	}
	if len(res) != 2 {
		return 0, time.Time{}, storeErr("incr", errors.New("unexpected reply"))
	}
	return res[0], time.UnixMicro(res[1]), nil
}

// Mark implements Store.
func (r *RedisStore) Mark(ctx context.Context, key string, now, until time.Time) error {
	if err := markScript.Run(ctx, r.client, []string{r.prefix + key}, micros(now), micros(until)).Err(); err != nil {
		return storeErr("mark", err)
	}
	return nil
}

// Marked implements Store.
func (r *RedisStore) Marked(ctx context.Context, key string, now time.Time) (time.Time, bool, error) {
	v, err := r.client.Get(ctx, r.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, storeErr("marked", err)
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false, storeErr("marked", errors.New("corrupt mark value"))
	}
	until := time.UnixMicro(us)
	if !until.After(now) {
		return time.Time{}, false, nil
	}
	return until, true, nil
}

// Delete implements Store.
func (r *RedisStore) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	// One DEL per key: in Redis Cluster the keys may live on different slots.
	pipe := r.client.Pipeline()
	for _, k := range full {
		pipe.Del(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return storeErr("delete", err)
	}
	return nil
}

// GCRA implements Store. Interval is used at microsecond precision. Unless
// the store was built with CallerClock, now is ignored and Redis TIME used.
func (r *RedisStore) GCRA(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (GCRAResult, error) {
	us := interval.Microseconds()
	if us <= 0 || burst < 1 {
		return GCRAResult{}, fmt.Errorf("%w: gcra interval must be at least 1µs and burst positive", ErrConfig)
	}
	serverClock := "1"
	if r.callerClock {
		serverClock = "0"
	}
	res, err := gcraScript.Run(ctx, r.client, []string{r.prefix + key}, micros(now), us, burst, serverClock).Int64Slice()
	if err != nil {
		return GCRAResult{}, storeErr("gcra", err)
	}
	if len(res) != 3 {
		return GCRAResult{}, storeErr("gcra", errors.New("unexpected reply"))
	}
	return GCRAResult{Allowed: res[0] == 1, RetryAfter: time.Duration(res[1]) * time.Microsecond, Remaining: int(res[2])}, nil
}

// Attempt implements Store. key and lockKey must share a hash tag in Redis
// Cluster (Lockout's keys do).
func (r *RedisStore) Attempt(ctx context.Context, key, lockKey string, now time.Time, window time.Duration, max int, lockFor time.Duration) (AttemptResult, error) {
	res, err := attemptScript.Run(ctx, r.client, []string{r.prefix + key, r.prefix + lockKey},
		micros(now), window.Microseconds(), max, lockFor.Microseconds()).Int64Slice()
	if err != nil {
		return AttemptResult{}, storeErr("attempt", err)
	}
	if len(res) != 3 {
		return AttemptResult{}, storeErr("attempt", errors.New("unexpected reply"))
	}
	out := AttemptResult{Admitted: res[0] == 1, Count: res[1]}
	if !out.Admitted {
		out.LockedUntil = time.UnixMicro(res[2])
	}
	return out, nil
}

// Unattempt implements Store.
func (r *RedisStore) Unattempt(ctx context.Context, key string, now time.Time) error {
	if err := unattemptScript.Run(ctx, r.client, []string{r.prefix + key}, micros(now)).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return storeErr("unattempt", err)
	}
	return nil
}

// PutValue implements Store.
func (r *RedisStore) PutValue(ctx context.Context, key string, value []byte, now, until time.Time) error {
	if !until.After(now) {
		if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
			return storeErr("put", err)
		}
		return nil
	}
	v := append(strconv.AppendInt(nil, micros(until), 10), ':')
	ttl := until.Sub(now).Round(time.Millisecond) + time.Millisecond
	if err := r.client.Set(ctx, r.prefix+key, append(v, value...), ttl).Err(); err != nil {
		return storeErr("put", err)
	}
	return nil
}

// TakeValue implements Store.
func (r *RedisStore) TakeValue(ctx context.Context, key string, now time.Time) ([]byte, bool, error) {
	v, err := takeScript.Run(ctx, r.client, []string{r.prefix + key}).Text()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, storeErr("take", err)
	}
	head, value, ok := strings.Cut(v, ":")
	us, perr := strconv.ParseInt(head, 10, 64)
	if !ok || perr != nil {
		return nil, false, storeErr("take", errors.New("corrupt value"))
	}
	if !time.UnixMicro(us).After(now) {
		return nil, false, nil
	}
	return []byte(value), true, nil
}
