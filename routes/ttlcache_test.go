package routes

import (
	"fmt"
	"testing"
	"time"
)

func TestTTLCache(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTTLCache[string, int](3)
	c.put("a", 1, t0.Add(time.Minute), t0)
	cases := []struct {
		key    string
		at     time.Time
		want   int
		wantOK bool
	}{
		{"a", t0, 1, true},
		{"a", t0.Add(time.Minute - time.Nanosecond), 1, true},
		{"a", t0.Add(time.Minute), 0, false}, // exp is exclusive
		{"b", t0, 0, false},
	}
	for _, tc := range cases {
		if v, ok := c.get(tc.key, tc.at); v != tc.want || ok != tc.wantOK {
			t.Errorf("get(%q, +%v) = %d, %v; want %d, %v", tc.key, tc.at.Sub(t0), v, ok, tc.want, tc.wantOK)
		}
	}
	c.remove("a")
	if _, ok := c.get("a", t0); ok {
		t.Error("removed entry still served")
	}
}

func TestTTLCacheBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newTTLCache[int, int](4)
	c.put(0, 0, t0.Add(time.Second), t0) // expires first
	for i := 1; i < 4; i++ {
		c.put(i, i, t0.Add(time.Hour), t0)
	}
	// Full: the sweep at t0+2s drops only the expired entry.
	c.put(9, 9, t0.Add(time.Hour), t0.Add(2*time.Second))
	if n := c.len(); n != 4 {
		t.Fatalf("len after sweep = %d, want 4", n)
	}
	if _, ok := c.get(1, t0); !ok {
		t.Fatal("live entry dropped by the sweep")
	}
	// Full of live entries: it starts over rather than grow.
	c.put(10, 10, t0.Add(time.Hour), t0)
	if n := c.len(); n != 1 {
		t.Fatalf("len after reset = %d, want 1", n)
	}
	// Overwriting a present key never sweeps.
	c.put(10, 11, t0.Add(time.Hour), t0)
	if v, _ := c.get(10, t0); v != 11 {
		t.Fatalf("overwrite: got %d", v)
	}
}

func BenchmarkTTLCacheGet(b *testing.B) {
	c := newTTLCache[string, int](1024)
	now := time.Now()
	for i := range 1000 {
		c.put(fmt.Sprint("key-", i), i, now.Add(time.Hour), now)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok := c.get("key-500", now); !ok {
				b.Fatal("miss")
			}
		}
	})
}
