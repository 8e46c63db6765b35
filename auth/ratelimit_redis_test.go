package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestRedisLimiterAfterStall (issue 16, Redis faults): Redis is frozen
// (CLIENT PAUSE) while one replica's requests, stamped before or during the
// freeze, wait for it; when it thaws, another replica's fresh requests run
// between them. At a huge limit (10^6/s) nothing may be denied. With GCRA
// on the callers' clocks, the stale-stamped requests that ran after fresh
// ones looked over budget and were refused.
func TestRedisLimiterAfterStall(t *testing.T) {
	addrClient := newRedisClient(t)
	opts := addrClient.Options()
	prefix := testPrefix(t)
	newReplica := func(poolSize int) *Limiter {
		c := redis.NewClient(&redis.Options{Addr: opts.Addr, PoolSize: poolSize,
			ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, PoolTimeout: 10 * time.Second})
		t.Cleanup(func() { _ = c.Close() })
		l, err := NewLimiter(NewRedisStore(c, prefix), map[string]Policy{"api": {Rate: 1e6, Burst: 1000}}, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		// Warm the connections and the script cache before the freeze.
		if _, err := l.Allow(bg, "api", "warm"); err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := newReplica(1), newReplica(4)

	var denied, errs, done atomic.Int32
	allow := func(l *Limiter) {
		d, err := l.Allow(bg, "api", "ip4:192.0.2.1")
		switch {
		case err != nil:
			errs.Add(1)
		case !d.Allowed:
			denied.Add(1)
		}
		done.Add(1)
	}
	if err := addrClient.Do(bg, "CLIENT", "PAUSE", "1500", "ALL").Err(); err != nil {
		t.Fatalf("CLIENT PAUSE: %v", err)
	}
	var wg sync.WaitGroup
	for range 40 { // replica A: stamped now, queued behind its one connection
		wg.Go(func() { allow(a) })
	}
	wg.Go(func() {
		allow(b) // blocks until the thaw
		for range 40 {
			allow(b) // fresh stamps, interleaved with A's stale ones
		}
	})
	wg.Wait()
	if errs.Load() != 0 || denied.Load() != 0 || done.Load() != 81 {
		t.Fatalf("after the stall: %d denied, %d errors of %d requests; want none denied", denied.Load(), errs.Load(), done.Load())
	}
}
