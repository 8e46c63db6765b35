package routes

import (
	"sync"
	"time"
)

// ttlCache is a small bounded map whose entries expire: the one shape behind
// the gateway's caches of expensive results (verified session and bearer
// tokens, signed Convex tokens, acting-as credentials). Only successful
// results go in, so filling it takes valid inputs. When full, a put first
// drops the expired entries and, if still full, starts over: a burst of
// recomputation, never growth. Safe for concurrent use; the zero value is
// not usable, build one with newTTLCache.
type ttlCache[K comparable, V any] struct {
	max int

	mu sync.Mutex
	m  map[K]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v   V
	exp time.Time
}

// newTTLCache returns a cache holding at most max entries (max ≥ 1).
func newTTLCache[K comparable, V any](max int) *ttlCache[K, V] {
	return &ttlCache[K, V]{max: max, m: make(map[K]ttlEntry[V])}
}

// get returns the value under k if it is still valid at now (now < its exp).
func (c *ttlCache[K, V]) get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || !now.Before(e.exp) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// put stores v under k until exp; now decides which entries a sweep drops.
func (c *ttlCache[K, V]) put(k K, v V, exp, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for key, e := range c.m {
			if !now.Before(e.exp) {
				delete(c.m, key)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[k] = ttlEntry[V]{v: v, exp: exp}
}

// remove drops k, if present.
func (c *ttlCache[K, V]) remove(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// len is the number of entries held, expired ones included.
func (c *ttlCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
