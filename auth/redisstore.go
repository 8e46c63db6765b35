package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a Store in Redis, shared by every gateway replica that uses
// the same Redis and prefix. Each operation is one atomic Lua script. Times
// are stored as microseconds since the Unix epoch and expiry is decided
// against the caller's clock passed in as an argument, never Redis TIME;
// Redis key TTLs (relative) only collect garbage.
type RedisStore struct {
	client redis.UniversalClient
	prefix string
}

// NewRedisStore returns a RedisStore that puts prefix before every key (for
// example "convexgw:auth:"). It does no I/O; the caller owns and closes client.
func NewRedisStore(client redis.UniversalClient, prefix string) *RedisStore {
	return &RedisStore{client: client, prefix: prefix}
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
	gcraScript = redis.NewScript(`
local now, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = now
local v = redis.call('GET', KEYS[1])
if v then
  local stored = tonumber(v)
  if stored and stored > now then tat = stored end
end
local newtat = tat + interval
local allowat = newtat - interval * burst
if now < allowat then
  return {0, allowat - now, 0}
end
redis.call('SET', KEYS[1], string.format('%.0f', newtat), 'PX', math.max(1, math.ceil((newtat - now) / 1000)))
return {1, 0, math.floor((now - allowat) / interval)}
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

// GCRA implements Store. Interval is used at microsecond precision.
func (r *RedisStore) GCRA(ctx context.Context, key string, now time.Time, interval time.Duration, burst int) (GCRAResult, error) {
	us := interval.Microseconds()
	if us <= 0 || burst < 1 {
		return GCRAResult{}, fmt.Errorf("%w: gcra interval must be at least 1µs and burst positive", ErrConfig)
	}
	res, err := gcraScript.Run(ctx, r.client, []string{r.prefix + key}, micros(now), us, burst).Int64Slice()
	if err != nil {
		return GCRAResult{}, storeErr("gcra", err)
	}
	if len(res) != 3 {
		return GCRAResult{}, storeErr("gcra", errors.New("unexpected reply"))
	}
	return GCRAResult{Allowed: res[0] == 1, RetryAfter: time.Duration(res[1]) * time.Microsecond, Remaining: int(res[2])}, nil
}
