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

// The session registry in Redis: one hash per user, "sess:{<user id>}",
// field = session id, value = "expires|created|lastSeen|clientIP|userAgent"
// (times in Unix microseconds; the numeric head lets the scripts judge
// expiry and age without decoding). The hash's TTL follows its latest
// expiry, so a user who stops signing in leaves nothing behind.

var (
	// putSessionScript: KEYS user hash; ARGV now, id, value, expires, max.
	// Drops expired records, stores the new one, evicts the oldest beyond
	// max and replies with their ids.
	putSessionScript = redis.NewScript(`
local now, id, maxn = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[5])
local maxexp = tonumber(ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local e, c = string.match(all[i + 1], '^(%d+)|(%d+)|')
  e, c = tonumber(e), tonumber(c)
  if not e or e <= now then
    redis.call('HDEL', KEYS[1], all[i])
  elseif all[i] ~= id then
    table.insert(live, {all[i], c})
    if e > maxexp then maxexp = e end
  end
end
redis.call('HSET', KEYS[1], id, ARGV[3])
local evicted = {}
if #live + 1 > maxn then
  table.sort(live, function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end)
  for i = 1, #live + 1 - maxn do
    redis.call('HDEL', KEYS[1], live[i][1])
    table.insert(evicted, live[i][1])
  end
end
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((maxexp - now) / 1000)))
return evicted
`)
	// touchSessionScript: KEYS user hash; ARGV id, now, lastSeen, expires.
	touchSessionScript = redis.NewScript(`
local now, ls, ex = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
local e, c, l, rest = string.match(v, '^(%d+)|(%d+)|(%d+)|(.*)$')
e, l = tonumber(e), tonumber(l)
if not e or e <= now then return 0 end
if ls > l then l = ls end
if ex > e then e = ex end
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f|%s|%.0f|', e, c, l) .. rest)
local want = math.max(1, math.ceil((e - now) / 1000))
if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
return 1
`)
	// deleteUserSessionsScript: KEYS user hash; ARGV except.
	deleteUserSessionsScript = redis.NewScript(`
local n = 0
for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
  if id ~= ARGV[1] then n = n + redis.call('HDEL', KEYS[1], id) end
end
return n
`)
)

func (r *RedisStore) sessionKey(userID string) string { return r.prefix + "sess:{" + userID + "}" }

func encodeSession(rec SessionRecord) string {
	var b strings.Builder
	b.Grow(64 + len(rec.ClientIP) + len(rec.UserAgent))
	for _, t := range []time.Time{rec.Expires, rec.Created, rec.LastSeen} {
		b.WriteString(strconv.FormatInt(micros(t), 10))
		b.WriteByte('|')
	}
	b.WriteString(strings.ReplaceAll(rec.ClientIP, "|", ""))
	b.WriteByte('|')
	b.WriteString(rec.UserAgent)
	return b.String()
}

func decodeSession(userID, id, v string) (SessionRecord, error) {
	f := strings.SplitN(v, "|", 5)
	if len(f) != 5 {
		return SessionRecord{}, errors.New("corrupt session record")
	}
	var ts [3]time.Time
	for i := range ts {
		us, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return SessionRecord{}, errors.New("corrupt session record")
		}
		ts[i] = time.UnixMicro(us).UTC()
	}
	return SessionRecord{ID: id, UserID: userID, Expires: ts[0], Created: ts[1], LastSeen: ts[2],
		ClientIP: f[3], UserAgent: f[4]}, nil
}

// PutSession implements Store.
func (r *RedisStore) PutSession(ctx context.Context, rec SessionRecord, now time.Time, maxPerUser int) ([]string, error) {
	if rec.UserID == "" || rec.ID == "" {
		return nil, fmt.Errorf("%w: session record needs a user and an id", ErrConfig)
	}
	ev, err := putSessionScript.Run(ctx, r.client, []string{r.sessionKey(rec.UserID)},
		micros(now), rec.ID, encodeSession(rec), micros(rec.Expires), max(maxPerUser, 1)).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, storeErr("put session", err)
	}
	return ev, nil
}

// GetSession implements Store.
func (r *RedisStore) GetSession(ctx context.Context, userID, id string, now time.Time) (SessionRecord, bool, error) {
	v, err := r.client.HGet(ctx, r.sessionKey(userID), id).Result()
	if errors.Is(err, redis.Nil) {
		return SessionRecord{}, false, nil
	}
	if err != nil {
		return SessionRecord{}, false, storeErr("get session", err)
	}
	rec, err := decodeSession(userID, id, v)
	if err != nil {
		return SessionRecord{}, false, storeErr("get session", err)
	}
	if !rec.Expires.After(now) {
		return SessionRecord{}, false, nil
	}
	return rec, true, nil
}

// TouchSession implements Store.
func (r *RedisStore) TouchSession(ctx context.Context, userID, id string, now, lastSeen, expires time.Time) (bool, error) {
	n, err := touchSessionScript.Run(ctx, r.client, []string{r.sessionKey(userID)},
		id, micros(now), micros(lastSeen), micros(expires)).Int()
	if err != nil {
		return false, storeErr("touch session", err)
	}
	return n == 1, nil
}

// ListSessions implements Store.
func (r *RedisStore) ListSessions(ctx context.Context, userID string, now time.Time) ([]SessionRecord, error) {
	all, err := r.client.HGetAll(ctx, r.sessionKey(userID)).Result()
	if err != nil {
		return nil, storeErr("list sessions", err)
	}
	var out []SessionRecord
	for id, v := range all {
		rec, err := decodeSession(userID, id, v)
		if err != nil {
			return nil, storeErr("list sessions", err)
		}
		if rec.Expires.After(now) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// DeleteSessions implements Store.
func (r *RedisStore) DeleteSessions(ctx context.Context, userID string, ids ...string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	n, err := r.client.HDel(ctx, r.sessionKey(userID), ids...).Result()
	if err != nil {
		return 0, storeErr("delete sessions", err)
	}
	return int(n), nil
}

// DeleteUserSessions implements Store.
func (r *RedisStore) DeleteUserSessions(ctx context.Context, userID, except string) (int, error) {
	n, err := deleteUserSessionsScript.Run(ctx, r.client, []string{r.sessionKey(userID)}, except).Int()
	if err != nil {
		return 0, storeErr("delete user sessions", err)
	}
	return n, nil
}
