package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// blockingPool is a Passwords whose pool runs test functions that block
// until released, so the tests see the pool full without timing.
func blockingPool(t *testing.T, size int) *Passwords {
	t.Helper()
	return NewPasswords(PasswordConfig{Cost: bcrypt.MinCost, PoolSize: size, MaxWait: time.Hour})
}

// waitFor polls cond until it holds or 10 s pass (a liveness bound, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWorkerPoolBounded(t *testing.T) {
	const size, callers = 2, 12
	p := blockingPool(t, size)
	var running, peak atomic.Int32
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			err := p.run(bg, func() {
				n := running.Add(1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				<-gate
				running.Add(-1)
			})
			if err != nil {
				t.Errorf("run = %v", err)
			}
		})
	}
	waitFor(t, "the pool to fill", func() bool { return running.Load() == size })
	if live := p.threads.live(); live != size {
		t.Fatalf("live workers = %d with the pool full, want %d", live, size)
	}
	close(gate)
	wg.Wait()
	if peak.Load() != size || p.threads.live() > size || len(p.slots) != 0 {
		t.Fatalf("peak running %d, live workers %d, slots held %d; want %d, ≤ %d, 0",
			peak.Load(), p.threads.live(), len(p.slots), size, size)
	}
}

// Worker goroutines are reused, not started per call, and exit when idle:
// many calls leave none of the pool's goroutines behind. (The pool's own
// count, not runtime.NumGoroutine: other tests' background goroutines come
// and go.)
func TestWorkerPoolNoPileUp(t *testing.T) {
	p := blockingPool(t, 2)
	p.threads.idle = 5 * time.Millisecond
	for round := range 3 {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := p.Verify(bg, "", "pw"); !errors.Is(err, ErrInvalidCredentials) {
					t.Errorf("Verify = %v", err)
				}
			})
		}
		wg.Wait()
		if live := p.threads.live(); live > 2 {
			t.Fatalf("round %d: %d live workers, want ≤ 2", round, live)
		}
		waitFor(t, "idle workers to exit", func() bool { return p.threads.live() == 0 })
	}
}

// A submitter that finds every worker busy waits for one; an idle worker
// must not exit while someone waits, or the submitter would hang.
func TestWorkerPoolIdleExitRace(t *testing.T) {
	wp := newWorkerPool(1, time.Microsecond)
	var wg sync.WaitGroup
	var n atomic.Int32
	for range 200 {
		wg.Add(1)
		wp.submit(func() { n.Add(1); wg.Done() })
	}
	wg.Wait()
	if n.Load() != 200 || wp.live() > 1 {
		t.Fatalf("ran %d of 200, %d live workers", n.Load(), wp.live())
	}
}

func TestPasswordsCancelWhileWaiting(t *testing.T) {
	p := blockingPool(t, 1)
	gate, started := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- p.run(bg, func() { close(started); <-gate }) }()
	<-started
	ctx, cancel := context.WithCancel(bg)
	waiter := make(chan error, 1)
	go func() { _, err := p.Verify(ctx, "", "pw"); waiter <- err }()
	cancel()
	if err := <-waiter; !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify cancelled while waiting = %v, want context.Canceled", err)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the slot to be released", func() bool { return len(p.slots) == 0 })
}

// A caller whose context ends mid-hash returns at once; the work keeps its
// slot until it finishes, so the bound holds.
func TestPasswordsCancelWhileRunning(t *testing.T) {
	p := blockingPool(t, 1)
	gate, started := make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- p.run(ctx, func() { close(started); <-gate }) }()
	<-started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("run cancelled while running = %v", err)
	}
	if len(p.slots) != 1 {
		t.Fatalf("slots held = %d while the abandoned work runs, want 1", len(p.slots))
	}
	close(gate)
	waitFor(t, "the slot to be released", func() bool { return len(p.slots) == 0 })
	if _, err := p.Verify(bg, "", "pw"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("Verify after an abandoned call = %v", err)
	}
}

func BenchmarkPasswordsVerifyPool(b *testing.B) {
	p := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost})
	h, err := p.Hash(bg, "pw")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Verify(bg, h, "pw"); err != nil {
				b.Error(err)
			}
		}
	})
}
