package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockoutBeginParallel: N parallel guesses never check more than
// MaxFailures passwords per account, also spread over several addresses,
// and the refusals are *LockedError. (On the old Check-then-Fail flow all
// 10 passed the check.)
func TestLockoutBeginParallel(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		for _, tc := range []struct {
			name string
			ips  []string
		}{
			{"one IP", []string{"192.0.2.1"}},
			{"three IPs", []string{"192.0.2.1", "198.51.100.2", "2001:db8::3"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				clk := newClock()
				l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 5, Now: clk.Now})
				var checked, locked atomic.Int32
				var wg sync.WaitGroup
				for i := range 10 {
					wg.Go(func() {
						a, err := l.Begin(bg, "victim@demo.test", tc.ips[i%len(tc.ips)])
						if err != nil {
							if !errors.Is(err, ErrLocked) {
								t.Errorf("Begin = %v, want ErrLocked", err)
							}
							locked.Add(1)
							return
						}
						checked.Add(1) // the password would be checked here: wrong
						if err := a.Fail(bg); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
				if checked.Load() != 5 || locked.Load() != 5 {
					t.Fatalf("%d passwords checked, %d refused; want 5 and 5", checked.Load(), locked.Load())
				}
				// Later guesses from anywhere stay refused for the lock's duration.
				if _, err := l.Begin(bg, "VICTIM@demo.test ", "203.0.113.50"); !errors.Is(err, ErrLocked) {
					t.Fatalf("guess after the burst = %v, want locked", err)
				}
			})
		}
	})
}

// TestLockoutBeginLockedDuringCheck: an attempt admitted before the lock,
// whose (right) password is confirmed after other attempts locked the
// account, reports locked from Succeed, so the caller answers as for a
// wrong password.
func TestLockoutBeginLockedDuringCheck(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		clk := newClock()
		l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 3, Now: clk.Now})
		right, err := l.Begin(bg, "a@demo.test", "192.0.2.1") // in bcrypt...
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 { // ...while the attacker's guesses run and lock
			a, err := l.Begin(bg, "a@demo.test", "198.51.100.9")
			if i < 2 && err == nil {
				_ = a.Fail(bg)
				continue
			}
			if i == 2 && !errors.Is(err, ErrLocked) {
				t.Fatalf("fourth attempt = %v, want the lock", err)
			}
		}
		var le *LockedError
		if err := right.Succeed(bg); !errors.As(err, &le) || !le.Until.Equal(clk.Now().Add(15*time.Minute)) {
			t.Fatalf("Succeed after the lock = %v, want *LockedError", err)
		}
		// The lock stands; after it, a success resets the count.
		clk.Advance(15 * time.Minute)
		a, err := l.Begin(bg, "a@demo.test", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Succeed(bg); err != nil {
			t.Fatalf("Succeed = %v", err)
		}
		for i := range 3 {
			if _, err := l.Begin(bg, "a@demo.test", "192.0.2.1"); err != nil {
				t.Fatalf("attempt %d after a reset: %v", i, err)
			}
		}
	})
}

// TestLockoutPairLimit: PairMaxFailures locks one address out of an account
// early while the account still admits others up to MaxFailures.
func TestLockoutPairLimit(t *testing.T) {
	clk := newClock()
	l := NewLockout(NewMemoryStore(MemoryStoreConfig{}), LockoutConfig{MaxFailures: 5, PairMaxFailures: 2, Now: clk.Now})
	for i := range 3 {
		_, err := l.Begin(bg, "a", "192.0.2.66")
		if (i < 2) != (err == nil) {
			t.Fatalf("pair attempt %d = %v", i, err)
		}
	}
	for i := range 2 { // the account has counted 3 of 5
		if _, err := l.Begin(bg, "a", fmt.Sprint("198.51.100.", i)); err != nil {
			t.Fatalf("other address %d = %v", i, err)
		}
	}
	if _, err := l.Begin(bg, "a", "203.0.113.1"); !errors.Is(err, ErrLocked) {
		t.Fatalf("sixth attempt on the account = %v, want locked", err)
	}
	if err := l.Unlock(bg, "a", "192.0.2.66"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Begin(bg, "a", "192.0.2.66"); err != nil {
		t.Fatalf("after Unlock = %v", err)
	}
}

// failingStore fails every operation, like a Redis that is down.
type failingStore struct{ Store }

func (failingStore) Attempt(context.Context, string, string, time.Time, time.Duration, int, time.Duration) (AttemptResult, error) {
	return AttemptResult{}, fmt.Errorf("%w: down", ErrStore)
}
func (failingStore) GCRA(context.Context, string, time.Time, time.Duration, int) (GCRAResult, error) {
	return GCRAResult{}, fmt.Errorf("%w: down", ErrStore)
}
func (failingStore) Marked(context.Context, string, time.Time) (time.Time, bool, error) {
	return time.Time{}, false, fmt.Errorf("%w: down", ErrStore)
}

// A store failure refuses the attempt, never admits it.
func TestLockoutBeginStoreDown(t *testing.T) {
	l := NewLockout(failingStore{}, LockoutConfig{})
	if a, err := l.Begin(bg, "a", "192.0.2.1"); a != nil || !errors.Is(err, ErrStore) {
		t.Fatalf("Begin with the store down = %v, %v; want ErrStore", a, err)
	}
	ok := NewLockout(NewMemoryStore(MemoryStoreConfig{}), LockoutConfig{})
	a, _ := ok.Begin(bg, "a", "192.0.2.1")
	a.l = NewLockout(failingStore{}, LockoutConfig{})
	if err := a.Succeed(bg); !errors.Is(err, ErrStore) {
		t.Fatalf("Succeed with the store down = %v, want ErrStore", err)
	}
}

// A lock that cannot be written (memory store full of marks) refuses the
// login with ErrStoreFull instead of silently not locking.
func TestLockoutBeginLockWriteFails(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{MaxMarks: 1})
	_ = store.Mark(bg, "other", clk.Now(), clk.Now().Add(time.Hour))
	l := NewLockout(store, LockoutConfig{MaxFailures: 1, Now: clk.Now})
	if _, err := l.Begin(bg, "a", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Begin(bg, "a", ""); !errors.Is(err, ErrStoreFull) {
		t.Fatalf("attempt whose lock cannot be stored = %v, want ErrStoreFull", err)
	}
}
