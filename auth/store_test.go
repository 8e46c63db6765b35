package auth

import (
	"sync"
	"testing"
	"time"
)

// testStoreSuite is the one behaviour suite every Store implementation passes.
func testStoreSuite(t *testing.T, newStore func(testing.TB) Store) {
	t.Run("IncrWindow", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for want := int64(1); want <= 3; want++ {
			n, reset, err := s.Incr(bg, "c", clk.Now(), time.Minute)
			if err != nil || n != want || !reset.Equal(newClock().Now().Add(time.Minute)) {
				t.Fatalf("Incr #%d = %d, %v, %v; want %d, start+1m", want, n, reset, err, want)
			}
			clk.Advance(10 * time.Second)
		}
		if n, _, _ := s.Incr(bg, "other", clk.Now(), time.Minute); n != 1 {
			t.Fatalf("independent key count = %d, want 1", n)
		}
		clk.Advance(30 * time.Second) // 60s after the first event: window over
		n, reset, err := s.Incr(bg, "c", clk.Now(), time.Minute)
		if err != nil || n != 1 || !reset.Equal(clk.Now().Add(time.Minute)) {
			t.Fatalf("Incr after window = %d, %v, %v; want 1 and a new window", n, reset, err)
		}
	})
	t.Run("Mark", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		if _, ok, err := s.Marked(bg, "m", clk.Now()); ok || err != nil {
			t.Fatalf("unset key marked: %v %v", ok, err)
		}
		until := clk.Now().Add(10 * time.Minute)
		if err := s.Mark(bg, "m", clk.Now(), until); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Marked(bg, "m", clk.Now())
		if !ok || err != nil || !got.Equal(until) {
			t.Fatalf("Marked = %v %v %v, want %v", got, ok, err, until)
		}
		clk.Advance(10*time.Minute - time.Microsecond)
		if _, ok, _ := s.Marked(bg, "m", clk.Now()); !ok {
			t.Fatal("mark ended early")
		}
		clk.Advance(time.Microsecond)
		if _, ok, _ := s.Marked(bg, "m", clk.Now()); ok {
			t.Fatal("mark still in force at its end")
		}
		// Replacing with an earlier end, then a past end, deletes it.
		_ = s.Mark(bg, "m2", clk.Now(), clk.Now().Add(time.Hour))
		_ = s.Mark(bg, "m2", clk.Now(), clk.Now().Add(time.Minute))
		if got, _, _ := s.Marked(bg, "m2", clk.Now()); !got.Equal(clk.Now().Add(time.Minute)) {
			t.Fatalf("replaced mark ends %v", got)
		}
		_ = s.Mark(bg, "m2", clk.Now(), clk.Now())
		if _, ok, _ := s.Marked(bg, "m2", clk.Now()); ok {
			t.Fatal("mark with a past end not deleted")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		_, _, _ = s.Incr(bg, "c", clk.Now(), time.Minute)
		_ = s.Mark(bg, "m", clk.Now(), clk.Now().Add(time.Minute))
		if err := s.Delete(bg, "c", "m", "missing"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(bg); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := s.Incr(bg, "c", clk.Now(), time.Minute); n != 1 {
			t.Fatalf("counter survived Delete: %d", n)
		}
		if _, ok, _ := s.Marked(bg, "m", clk.Now()); ok {
			t.Fatal("mark survived Delete")
		}
	})
	t.Run("GCRA", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		step := func(wantOK bool, wantRetry time.Duration, wantRem int) {
			t.Helper()
			r, err := s.GCRA(bg, "g", clk.Now(), time.Second, 3)
			if err != nil || r.Allowed != wantOK || r.RetryAfter != wantRetry || r.Remaining != wantRem {
				t.Fatalf("GCRA = %+v, %v; want allowed=%v retry=%v remaining=%d", r, err, wantOK, wantRetry, wantRem)
			}
		}
		step(true, 0, 2)
		step(true, 0, 1)
		step(true, 0, 0)
		step(false, time.Second, 0)
		clk.Advance(400 * time.Millisecond)
		step(false, 600*time.Millisecond, 0) // denials consume nothing
		clk.Advance(600 * time.Millisecond)
		step(true, 0, 0)
		clk.Advance(time.Hour)
		step(true, 0, 2)
		if _, err := s.GCRA(bg, "bad", clk.Now(), 0, 1); err == nil {
			t.Fatal("zero interval accepted")
		}
	})
	// A request stamped before one the cell already allowed (a stall, a
	// retry, a slow goroutine) is judged at the later time, never denied
	// for arriving "early". Fails on a GCRA that trusts each stamp.
	t.Run("GCRAStaleStamp", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		const interval, burst = time.Microsecond, 1000 // 10^6/s, 1 ms of burst
		late := clk.Now().Add(2 * time.Second)
		if r, err := s.GCRA(bg, "g", late, interval, burst); err != nil || !r.Allowed {
			t.Fatalf("late-stamped request = %+v, %v", r, err)
		}
		for i := range 50 {
			r, err := s.GCRA(bg, "g", clk.Now().Add(time.Duration(i)*time.Millisecond), interval, burst)
			if err != nil || !r.Allowed {
				t.Fatalf("request stamped %dms, run after one stamped 2s = %+v, %v; want allowed", i, r, err)
			}
		}
	})
	t.Run("AtomicIncr", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		const n = 40
		seen := make(chan int64, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				c, _, err := s.Incr(bg, "c", clk.Now(), time.Minute)
				if err != nil {
					t.Error(err)
				}
				seen <- c
			})
		}
		wg.Wait()
		close(seen)
		got := map[int64]bool{}
		for c := range seen {
			got[c] = true
		}
		if len(got) != n || !got[1] || !got[n] {
			t.Fatalf("concurrent Incr returned %d distinct counts, want 1..%d", len(got), n)
		}
	})
	t.Run("AtomicGCRA", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		var mu sync.Mutex
		allowed := 0
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				r, err := s.GCRA(bg, "g", clk.Now(), time.Minute, 5)
				if err != nil {
					t.Error(err)
				}
				if r.Allowed {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if allowed != 5 {
			t.Fatalf("%d of 30 concurrent requests allowed, want the burst of 5", allowed)
		}
	})
}

func TestStores(t *testing.T) {
	forEachStore(t, testStoreSuite)
	forEachStore(t, testAttemptSuite)
	forEachStore(t, testValueSuite)
	forEachStore(t, testSessionStoreSuite)
}
