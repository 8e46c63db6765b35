package auth

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestRedisSharedLockout: two gateway replicas, each with its own client,
// see the same lock.
func TestRedisSharedLockout(t *testing.T) {
	prefix := testPrefix(t)
	clk := newClock()
	a := NewLockout(NewRedisStore(newRedisClient(t), prefix), LockoutConfig{MaxFailures: 3, Now: clk.Now})
	b := NewLockout(NewRedisStore(newRedisClient(t), prefix), LockoutConfig{MaxFailures: 3, Now: clk.Now})
	_ = a.Fail(bg, "ada@demo.test", "192.0.2.1")
	_ = b.Fail(bg, "ada@demo.test", "192.0.2.2")
	if err := b.Check(bg, "ada@demo.test", "192.0.2.2"); err != nil {
		t.Fatalf("locked after 2 of 3 failures: %v", err)
	}
	if err := a.Fail(bg, "ada@demo.test", "192.0.2.3"); !errors.Is(err, ErrLocked) {
		t.Fatalf("third failure (across replicas) = %v, want ErrLocked", err)
	}
	var le *LockedError
	if err := b.Check(bg, "ADA@demo.test", "198.51.100.7"); !errors.As(err, &le) || !le.Until.Equal(clk.Now().Add(15*time.Minute)) {
		t.Fatalf("other replica Check = %v, want locked for 15m", err)
	}
	clk.Advance(15 * time.Minute)
	if err := b.Check(bg, "ada@demo.test", "192.0.2.2"); err != nil {
		t.Fatalf("still locked after the duration: %v", err)
	}
}

// TestRedisKeysExpire checks that Redis also collects the keys (relative
// TTLs), so a shared Redis does not grow without bound.
func TestRedisKeysExpire(t *testing.T) {
	c := newRedisClient(t)
	prefix := testPrefix(t)
	s := NewRedisStore(c, prefix)
	now := newClock().Now()
	_, _, _ = s.Incr(bg, "c", now, time.Minute)
	_ = s.Mark(bg, "m", now, now.Add(time.Hour))
	_, _ = s.GCRA(bg, "g", now, time.Second, 2)
	_ = s.PutValue(bg, "v", []byte("x"), now, now.Add(time.Hour))
	_, _ = s.Attempt(bg, "fail:{a}", "lock:{a}", now, time.Minute, 0, 2*time.Hour) // locks at once
	_, _ = s.PutSession(bg, testRecord("u", "s", now, 3*time.Hour), now, 5)
	for key, max := range map[string]time.Duration{"c": time.Minute, "m": time.Hour, "g": time.Second,
		"v": time.Hour + time.Second, "lock:{a}": 2 * time.Hour, "sess:{u}": 3 * time.Hour} {
		ttl, err := c.PTTL(bg, prefix+key).Result()
		if err != nil || ttl <= 0 || ttl > max {
			t.Errorf("PTTL(%s) = %v, %v; want in (0, %v]", key, ttl, err, max)
		}
	}
}

func TestRedisStoreDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	opts := &redis.Options{Addr: addr, MaxRetries: -1}
	TuneRedisOptions(opts)
	c := redis.NewClient(opts)
	defer c.Close()
	s := NewRedisStore(c, "x:")
	now := newClock().Now()
	_, _, err1 := s.Incr(bg, "k", now, time.Minute)
	err2 := s.Mark(bg, "k", now, now.Add(time.Minute))
	_, _, err3 := s.Marked(bg, "k", now)
	err4 := s.Delete(bg, "k")
	_, err5 := s.GCRA(bg, "k", now, time.Second, 1)
	_, err6 := s.Attempt(bg, "fail:{k}", "lock:{k}", now, time.Minute, 5, time.Minute)
	err7 := s.PutValue(bg, "v", []byte("x"), now, now.Add(time.Minute))
	_, _, err8 := s.TakeValue(bg, "v", now)
	_, err9 := s.PutSession(bg, testRecord("u", "s", now, time.Hour), now, 5)
	_, _, err10 := s.GetSession(bg, "u", "s", now)
	_, err11 := s.TouchSession(bg, "u", "s", now, now, now)
	_, err12 := s.ListSessions(bg, "u", now)
	_, err13 := s.DeleteSessions(bg, "u", "s")
	_, err14 := s.DeleteUserSessions(bg, "u", "")
	for i, err := range []error{err1, err2, err3, err4, err5, err6, err7, err8, err9, err10, err11, err12, err13, err14} {
		if !errors.Is(err, ErrStore) {
			t.Errorf("op %d with Redis down = %v, want ErrStore", i, err)
		}
	}
}
