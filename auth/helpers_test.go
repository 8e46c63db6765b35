package auth

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock is an injected clock that tests advance by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// storeFactory builds a fresh, isolated Store for a test.
type storeFactory struct {
	name string
	new  func(t testing.TB) Store
}

// storeFactories returns the memory store and, when Redis is available, the
// Redis store (see redistest_test.go for how a server is found or started).
func storeFactories(t *testing.T) []storeFactory {
	fs := []storeFactory{{"memory", func(testing.TB) Store { return NewMemoryStore(MemoryStoreConfig{}) }}}
	fs = append(fs, storeFactory{"redis", func(t testing.TB) Store {
		// The caller's clock, so the injected test clocks drive GCRA too.
		return NewRedisStoreWith(newRedisClient(t), RedisStoreConfig{Prefix: testPrefix(t), CallerClock: true})
	}})
	return fs
}

// forEachStore runs f as a subtest once per store implementation.
func forEachStore(t *testing.T, f func(t *testing.T, newStore func(testing.TB) Store)) {
	for _, sf := range storeFactories(t) {
		t.Run(sf.name, func(t *testing.T) { f(t, sf.new) })
	}
}

var bg = context.Background()
