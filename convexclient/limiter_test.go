package convexclient

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name     string
		settings LimitSettings
		held     int  // slots taken before the call
		noRoom   bool // as many calls wait as may
		ctx      context.Context
		want     error
	}{
		{"free slot", LimitSettings{MaxWait: time.Minute}, 1, false, context.Background(), nil},
		{"full, no wait", LimitSettings{MaxWait: -1}, 2, false, context.Background(), errShed},
		{"full, wait runs out", LimitSettings{MaxWait: time.Millisecond}, 2, false, context.Background(), errShed},
		{"full, too many waiting", LimitSettings{MaxWait: time.Minute}, 2, true, context.Background(), errShed},
		{"full, context ends first", LimitSettings{MaxWait: time.Minute}, 2, false, canceled, context.Canceled},
		{"disabled", LimitSettings{Disabled: true}, 0, false, context.Background(), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimiter(2, tc.settings)
			if tc.noRoom {
				l.waiting.Store(l.maxWaiting)
				defer l.waiting.Store(0)
			}
			for range tc.held {
				if err := l.acquire(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			err := l.acquire(tc.ctx)
			if !errors.Is(err, tc.want) && err != tc.want {
				t.Fatalf("acquire = %v, want %v", err, tc.want)
			}
			if l == nil {
				return // no limit: nothing to count
			}
			want, waiting := tc.held, int64(0)
			if err == nil {
				want++
			}
			if tc.noRoom {
				waiting = l.maxWaiting
			}
			if l.inFlight() != want || l.waiting.Load() != waiting {
				t.Fatalf("in flight %d (want %d), waiting %d", l.inFlight(), want, l.waiting.Load())
			}
		})
	}
}

// TestLimiterWaiterGetsReleasedSlot: a waiter takes the slot a finished call
// gives back.
func TestLimiterWaiterGetsReleasedSlot(t *testing.T) {
	l := newLimiter(1, LimitSettings{MaxWait: time.Minute})
	if err := l.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- l.acquire(context.Background()) }()
	for l.waiting.Load() == 0 { // hand-off: the waiter is queued
		time.Sleep(time.Millisecond)
	}
	l.release()
	if err := <-got; err != nil || l.inFlight() != 1 {
		t.Fatalf("waiter: %v, in flight %d", err, l.inFlight())
	}
}

// BenchmarkAdmit is the admission cost of one call without I/O: breaker
// ticket, in-flight slot, verdict.
func BenchmarkAdmit(b *testing.B) {
	e, err := newEngine(Config{URL: "http://127.0.0.1:1"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s := &callSpec{kind: KindQuery, path: "tasks:list"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var ev CallEvent
			ad, err := e.admit(ctx, ctx, s, &ev)
			if err != nil {
				b.Fatal(err)
			}
			ad.ln.lim.release()
			ad.finish(nil)
		}
	})
}
