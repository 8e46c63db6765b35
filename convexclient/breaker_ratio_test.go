package convexclient_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// TestLegacy560FunctionErrorsNeverOpenBreaker: HTTP 560 with a function
// result is a function error, the backend working (issue 16, failure 1).
func TestLegacy560FunctionErrorsNeverOpenBreaker(t *testing.T) {
	for _, tc := range []struct {
		kind convexclient.Kind
		path string
		n    int
	}{
		{convexclient.KindQuery, "tasks:list", 5},
		{convexclient.KindQuery, "tasks:list", 50},
		{convexclient.KindMutation, "tasks:touch", 5},
		{convexclient.KindMutation, "tasks:touch", 50},
	} {
		t.Run(fmt.Sprintf("%s x%d", tc.kind, tc.n), func(t *testing.T) {
			e := newEnv(t, convextest.FlakyOptions{Rate: 1, Legacy560: true},
				convexclient.Config{Breaker: convexclient.BreakerSettings{MinRequests: 5, FailureRatio: 0.5}})
			for range tc.n {
				var fe *convexclient.FunctionError
				if err := e.c.Call(context.Background(), tc.kind, tc.path, nil, nil); !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a function error", err)
				}
			}
			for _, b := range e.c.Breakers() {
				if b.State != convexclient.StateClosed {
					t.Fatalf("breakers %+v after %d function errors", e.c.Breakers(), tc.n)
				}
			}
			if e.flaky.Failed() != tc.n {
				t.Fatalf("backend answered %d of %d calls", e.flaky.Failed(), tc.n)
			}
		})
	}
}

// TestPartialFailureIsNotAmplified: with a share of backend 5xx, callers see
// about that share, not an open breaker (issue 16, failure 3: 50% → 96%).
// Default breaker settings; counts, not time.
func TestPartialFailureIsNotAmplified(t *testing.T) {
	const calls = 400
	for _, tc := range []struct {
		rate        float64
		maxErrShare float64
		wantOpen    bool
	}{
		{0.1, 0.2, false},
		{0.5, 0.65, false},
		{1, 1, true}, // a backend that is down: the breaker spares it
	} {
		t.Run(fmt.Sprint(tc.rate), func(t *testing.T) {
			e := newEnv(t, convextest.FlakyOptions{Rate: tc.rate, Status: 500, Seed: 42}, convexclient.Config{})
			errs := 0
			for range calls {
				if err := e.c.Query(context.Background(), "tasks:list", nil, nil); err != nil {
					errs++
				}
			}
			share := float64(errs) / calls
			t.Logf("backend rate %.2f: callers saw %.3f errors, backend got %d requests", tc.rate, share, e.arrivals())
			if share > tc.maxErrShare {
				t.Fatalf("callers saw %.3f errors at a backend failure rate of %.2f", share, tc.rate)
			}
			if !tc.wantOpen && errs != e.flaky.Failed() {
				t.Fatalf("callers saw %d errors, the backend failed %d calls", errs, e.flaky.Failed())
			}
			if open := e.c.State() == convexclient.StateOpen; open != tc.wantOpen {
				t.Fatalf("open = %v, want %v", open, tc.wantOpen)
			}
			if tc.wantOpen && e.arrivals() > convexclient.DefaultMinRequests+5 {
				t.Fatalf("a down backend got %d requests", e.arrivals())
			}
		})
	}
}

// TestRecoveryFirstProbeCloses: once the backend is back, the first
// successful probe closes the breaker. gobreaker has no injectable clock, so
// the open timeout is a real 50ms and the test polls.
func TestRecoveryFirstProbeCloses(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Status: 502},
		convexclient.Config{Breaker: convexclient.BreakerSettings{MinRequests: 5, OpenTimeout: 50 * time.Millisecond}})
	ctx := context.Background()
	for range 5 {
		_ = e.c.Query(ctx, "tasks:list", nil, nil)
	}
	if e.c.State() != convexclient.StateOpen {
		t.Fatalf("state %s after 5 outages", e.c.State())
	}
	err := e.c.Query(ctx, "tasks:list", nil, nil)
	var ue *convexclient.UnavailableError
	if e.c.State() == convexclient.StateOpen && (!errors.As(err, &ue) || ue.Reason != convexclient.ReasonBreakerOpen) {
		t.Fatalf("open breaker: err = %v", err)
	}
	e.flaky.SetRate(0) // the backend is back
	before := e.arrivals()
	eventually(t, "a successful call", func() bool { return e.c.Query(ctx, "tasks:list", nil, nil) == nil })
	if e.c.State() != convexclient.StateClosed {
		t.Fatalf("state %s after the first successful probe", e.c.State())
	}
	if n := e.arrivals() - before; n != 1 {
		t.Fatalf("%d requests reached the backend before the breaker closed, want 1 (the probe)", n)
	}
	want := []string{"query:closed->open", "query:open->half-open", "query:half-open->closed"}
	if got := e.transitions(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
}
