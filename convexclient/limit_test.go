package convexclient_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// TestSlowBackendSheds: a slow but healthy backend under more concurrent
// callers than the limit. The excess is shed at once with ErrUnavailable,
// in-flight calls never exceed the limit, nothing counts toward the breaker
// (issue 16, failure 3: timeouts in the connection queue opened it).
func TestSlowBackendSheds(t *testing.T) {
	const limit, callers = 4, 32
	e := newEnv(t, convextest.FlakyOptions{}, convexclient.Config{
		Limits:  convexclient.LimitSettings{Query: limit, MaxWait: 20 * time.Millisecond},
		Breaker: convexclient.BreakerSettings{MinRequests: 1, FailureRatio: 0.01, OpenTimeout: time.Hour},
	})
	ctx := context.Background()
	results := make(chan error, callers)
	for range callers {
		go func() { results <- e.c.Query(ctx, "slow:get", nil, nil) }()
	}
	for range callers - limit { // the shed calls return while the others are held
		err := <-results
		var ue *convexclient.UnavailableError
		if !errors.As(err, &ue) || ue.Reason != convexclient.ReasonShed || ue.RetryAfter != time.Second ||
			ue.Breaker != convexclient.BreakerQuery || !convexclient.Temporary(err) {
			t.Fatalf("excess call: %v", err)
		}
	}
	if n := e.gate.inside.Load(); n != limit {
		t.Fatalf("%d calls at the backend, want %d", n, limit)
	}
	if b := e.c.Breakers()[0]; b.InFlight != limit || b.Limit != limit {
		t.Fatalf("status %+v", b)
	}
	e.gate.release()
	for range limit {
		if err := <-results; err != nil {
			t.Fatalf("admitted call: %v", err)
		}
	}
	if p := e.gate.peak.Load(); p > limit {
		t.Fatalf("peak %d calls in flight, limit %d", p, limit)
	}
	if e.arrivals() != limit {
		t.Fatalf("%d requests reached the backend, want %d", e.arrivals(), limit)
	}
	if e.c.State() != convexclient.StateClosed {
		t.Fatal("shedding opened the breaker")
	}
	shed := 0
	e.mu.Lock()
	for _, ev := range e.events {
		if ev.Outcome == convexclient.OutcomeShed {
			shed++
			if ev.Attempts != 0 || ev.Reason != convexclient.ReasonShed || ev.Breaker != convexclient.BreakerQuery {
				t.Errorf("shed event %+v", ev)
			}
		}
	}
	e.mu.Unlock()
	if shed != callers-limit {
		t.Fatalf("%d shed events", shed)
	}
}

// TestDeadlinePassedWhileWaitingIsNeverSent: a call whose context deadline
// passes while it waits for a slot fails with ErrTimeout and never reaches
// the backend, not even after a slot frees up.
func TestDeadlinePassedWhileWaitingIsNeverSent(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{}, convexclient.Config{
		Limits: convexclient.LimitSettings{Query: 1, MaxWait: time.Minute},
	})
	held := make(chan error, 1)
	go func() { held <- e.c.Query(context.Background(), "slow:get", nil, nil) }()
	eventually(t, "the slot taken", func() bool { return e.gate.inside.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := e.c.Query(ctx, "tasks:list", nil, nil)
	if !errors.Is(err, convexclient.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if ev := e.lastEvent(); ev.Attempts != 0 || ev.Outcome != convexclient.OutcomeTimeout || ev.QueueWait <= 0 {
		t.Fatalf("event %+v", ev)
	}
	e.gate.release()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if e.arrivals() != 1 || e.calls("tasks:list") != 0 {
		t.Fatalf("the expired call was sent: %d requests", e.arrivals())
	}
}

// TestHangBoundsGoroutines: while the backend hangs, callers far beyond the
// limit are shed; calls blocked on the backend never exceed the limit, and
// goroutines stay bounded (issue 16, failure 4).
func TestHangBoundsGoroutines(t *testing.T) {
	const limit, callers = 8, 400
	e := newEnv(t, convextest.FlakyOptions{}, convexclient.Config{
		Limits: convexclient.LimitSettings{Query: limit, MaxWait: 5 * time.Millisecond},
	})
	e.d.Inject("tasks:list", convextest.Fault{Hang: true})
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	shed := make(chan struct{}, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errors.Is(e.c.Query(ctx, "tasks:list", nil, nil), convexclient.ErrUnavailable) {
				shed <- struct{}{}
			}
		}()
	}
	peak := 0
	for n := 0; n < callers-limit; n++ {
		select {
		case <-shed:
		case <-time.After(10 * time.Second): // a hand-off deadline, not a clock
			t.Fatalf("only %d of %d excess callers were shed; %d calls at the backend", n, callers-limit, e.d.InFlight())
		}
		peak = max(peak, e.d.InFlight())
	}
	eventually(t, "the admitted calls at the backend", func() bool { return e.d.InFlight() == limit })
	peak = max(peak, e.d.InFlight())
	if peak > limit {
		t.Fatalf("%d calls blocked on the backend, limit %d", peak, limit)
	}
	// Each admitted call costs a handful of goroutines (caller, transport,
	// server connection); 400 unbounded callers would cost thousands. The
	// shed callers' goroutines are exiting: poll until they are gone.
	eventually(t, "goroutines back to the hung calls' own", func() bool { return runtime.NumGoroutine()-base <= limit*8 })
	t.Logf("%d goroutines above the baseline with %d calls hung", runtime.NumGoroutine()-base, limit)
	cancel()
	wg.Wait()
}

// TestTimeoutStartsAfterSlot: the wait for a slot is outside the call's
// timeout (issue 16, failure 3). Real latencies with wide margins: B waits
// about 600ms for A's slot, then runs 300ms, within its 500ms timeout.
func TestTimeoutStartsAfterSlot(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{}, convexclient.Config{
		Limits:   convexclient.LimitSettings{Query: 1, MaxWait: 5 * time.Second},
		Timeouts: convexclient.TimeoutSettings{Query: 500 * time.Millisecond},
	})
	e.gate.release()
	e.d.Inject("slow:get", convextest.Fault{Latency: 600 * time.Millisecond})
	e.d.Inject("tasks:list", convextest.Fault{Latency: 300 * time.Millisecond})
	a := make(chan error, 1)
	go func() {
		a <- e.c.Query(convexclient.WithTimeout(context.Background(), time.Minute), "slow:get", nil, nil)
	}()
	eventually(t, "A holding the slot", func() bool { return e.c.Breakers()[0].InFlight == 1 })
	if err := e.c.Query(context.Background(), "tasks:list", nil, nil); err != nil {
		t.Fatalf("B: %v", err)
	}
	if ev := e.lastEvent(); ev.QueueWait < 300*time.Millisecond {
		t.Fatalf("B waited %v", ev.QueueWait)
	}
	if err := <-a; err != nil {
		t.Fatalf("A: %v", err)
	}
}

// TestBackgroundHasItsOwnSlots: background calls never take a foreground
// slot, nor foreground calls a background one.
func TestBackgroundHasItsOwnSlots(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{}, convexclient.Config{
		Limits: convexclient.LimitSettings{Query: 1, Background: 1, MaxWait: -1},
	})
	ctx := context.Background()
	done := make(chan error, 1)
	go func() { done <- e.c.Query(ctx, "slow:get", nil, nil) }()
	eventually(t, "the foreground slot taken", func() bool { return e.gate.inside.Load() == 1 })
	if err := e.c.Query(convexclient.WithBackground(ctx), "tasks:list", nil, nil); err != nil {
		t.Fatalf("background call with the foreground lane full: %v", err)
	}
	if err := e.c.Query(ctx, "tasks:list", nil, nil); !errors.Is(err, convexclient.ErrUnavailable) {
		t.Fatalf("second foreground call with MaxWait -1: %v", err)
	}
	e.gate.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
