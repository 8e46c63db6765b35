package auth

import (
	"fmt"
	"testing"
)

// Benchmarks against the real test Redis (one round trip per operation);
// they use only long-standing API, so they run on older code too.

func BenchmarkSessionVerifyRedis(b *testing.B) {
	clk := newClock()
	s := newTestSessions(b, clk, NewRedisStore(newRedisClient(b), testPrefix(b)))
	tok, _, err := s.Issue(bg, SessionUser{UserID: "u1", Role: "admin", Name: "Ada Admin", Email: "admin@demo.test"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(bg, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLimiterAllowRedis(b *testing.B) {
	clk := newClock()
	l, _ := NewLimiter(NewRedisStore(newRedisClient(b), testPrefix(b)), map[string]Policy{"api": {Rate: 1e6, Burst: 1 << 30}}, clk.Now)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = ClientKey(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := l.Allow(bg, "api", keys[i%len(keys)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
