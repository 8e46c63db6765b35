package auth

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testAttemptSuite is the Store contract of Attempt.
func testAttemptSuite(t *testing.T, newStore func(testing.TB) Store) {
	t.Run("AttemptCountsAndLocks", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for want := int64(1); want <= 3; want++ {
			r, err := s.Attempt(bg, "fail:{a}", "lock:{a}", clk.Now(), time.Minute, 3, time.Hour)
			if err != nil || !r.Admitted || r.Count != want {
				t.Fatalf("attempt %d = %+v, %v; want admitted", want, r, err)
			}
		}
		r, err := s.Attempt(bg, "fail:{a}", "lock:{a}", clk.Now(), time.Minute, 3, time.Hour)
		if err != nil || r.Admitted || r.Count != 4 || !r.LockedUntil.Equal(clk.Now().Add(time.Hour)) {
			t.Fatalf("attempt over max = %+v, %v; want refused with a lock for 1h", r, err)
		}
		if until, ok, _ := s.Marked(bg, "lock:{a}", clk.Now()); !ok || !until.Equal(clk.Now().Add(time.Hour)) {
			t.Fatalf("lock mark = %v %v", until, ok)
		}
		clk.Advance(30 * time.Minute)
		r, _ = s.Attempt(bg, "fail:{a}", "lock:{a}", clk.Now(), time.Minute, 3, time.Hour)
		if r.Admitted || r.Count != 0 || !r.LockedUntil.Equal(clk.Now().Add(30*time.Minute)) {
			t.Fatalf("attempt while locked = %+v; want refused, nothing counted", r)
		}
		clk.Advance(30 * time.Minute)
		r, _ = s.Attempt(bg, "fail:{a}", "lock:{a}", clk.Now(), time.Minute, 3, time.Hour)
		if !r.Admitted || r.Count != 1 {
			t.Fatalf("attempt after the lock = %+v; want admitted with a fresh count", r)
		}
	})
	t.Run("Unattempt", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for range 2 {
			_, _ = s.Attempt(bg, "fail:{u}", "lock:{u}", clk.Now(), time.Minute, 3, time.Hour)
		}
		for range 3 { // never below zero
			if err := s.Unattempt(bg, "fail:{u}", clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Unattempt(bg, "fail:{missing}", clk.Now()); err != nil {
			t.Fatalf("missing counter: %v", err)
		}
		for want := int64(1); want <= 3; want++ {
			if r, _ := s.Attempt(bg, "fail:{u}", "lock:{u}", clk.Now(), time.Minute, 3, time.Hour); !r.Admitted || r.Count != want {
				t.Fatalf("attempt after unattempts = %+v, want count %d", r, want)
			}
		}
	})
	t.Run("AttemptWindow", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for range 2 {
			_, _ = s.Attempt(bg, "fail:{b}", "lock:{b}", clk.Now(), time.Minute, 2, time.Hour)
		}
		clk.Advance(time.Minute)
		if r, _ := s.Attempt(bg, "fail:{b}", "lock:{b}", clk.Now(), time.Minute, 2, time.Hour); !r.Admitted || r.Count != 1 {
			t.Fatalf("attempt in a new window = %+v", r)
		}
	})
	// 10 parallel attempts with max 5: exactly 5 admitted, 5 refused.
	t.Run("AttemptAtomic", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		var admitted atomic.Int32
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				r, err := s.Attempt(bg, "fail:{c}", "lock:{c}", clk.Now(), time.Minute, 5, time.Hour)
				if err != nil {
					t.Error(err)
				}
				if r.Admitted {
					admitted.Add(1)
				}
			})
		}
		wg.Wait()
		if n := admitted.Load(); n != 5 {
			t.Fatalf("%d of 10 parallel attempts admitted, want 5", n)
		}
	})
}

// testValueSuite is the Store contract of PutValue and TakeValue.
func testValueSuite(t *testing.T, newStore func(testing.TB) Store) {
	t.Run("TakeOnce", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		val := []byte("v:\x00|bytes")
		if err := s.PutValue(bg, "otk:x", val, clk.Now(), clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.TakeValue(bg, "otk:x", clk.Now())
		if err != nil || !ok || !bytes.Equal(got, val) {
			t.Fatalf("TakeValue = %q %v %v", got, ok, err)
		}
		if _, ok, _ := s.TakeValue(bg, "otk:x", clk.Now()); ok {
			t.Fatal("second TakeValue found the value")
		}
	})
	t.Run("Expiry", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		_ = s.PutValue(bg, "otk:y", []byte("v"), clk.Now(), clk.Now().Add(time.Minute))
		clk.Advance(time.Minute)
		if _, ok, err := s.TakeValue(bg, "otk:y", clk.Now()); ok || err != nil {
			t.Fatalf("expired value taken: %v %v", ok, err)
		}
		if err := s.PutValue(bg, "otk:z", []byte("v"), clk.Now(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.TakeValue(bg, "otk:z", clk.Now()); ok {
			t.Fatal("value with a past end stored")
		}
	})
	t.Run("TakeAtomic", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		_ = s.PutValue(bg, "otk:w", []byte("v"), clk.Now(), clk.Now().Add(time.Hour))
		var got atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, ok, err := s.TakeValue(bg, "otk:w", clk.Now()); err != nil {
					t.Error(err)
				} else if ok {
					got.Add(1)
				}
			})
		}
		wg.Wait()
		if got.Load() != 1 {
			t.Fatalf("%d of 20 concurrent takes got the value, want 1", got.Load())
		}
	})
}
