package convexclient

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// WithTestHooks returns cfg with instant back-off sleeps and a jitter drawn
// from a PRNG seeded with seed, for the tests of package convexclient_test.
func WithTestHooks(cfg Config, seed uint64) Config {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	cfg.jitter = func(n int64) int64 { mu.Lock(); defer mu.Unlock(); return r.Int64N(n) }
	cfg.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	return cfg
}
