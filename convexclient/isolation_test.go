package convexclient_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// sensitive breaker settings: five counted outages open a breaker, so one
// task's five retries would do it if each counted.
var sensitive = convexclient.BreakerSettings{MinRequests: 5, FailureRatio: 0.5, OpenTimeout: time.Hour}

// TestBackgroundRetriesDoNotOpenForeground: one user's background task,
// retried against a failing mutation endpoint, neither opens a foreground
// breaker nor its own (issue 16, failure 2).
func TestBackgroundRetriesDoNotOpenForeground(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Status: 500, Endpoints: []string{convextest.EndpointMutation}},
		convexclient.Config{Breaker: sensitive})
	ctx := context.Background()
	for attempt := 1; attempt <= 8; attempt++ {
		bg := convexclient.WithAttempt(convexclient.WithBackground(ctx), attempt)
		err := e.c.Mutation(bg, "auth:updateLastLogin", nil, nil)
		var he *convexclient.HTTPError
		if !errors.As(err, &he) || he.Status != 500 {
			t.Fatalf("attempt %d: err = %v", attempt, err)
		}
		if ev := e.lastEvent(); ev.Breaker != convexclient.BreakerBackground || !ev.Background {
			t.Fatalf("event %+v", ev)
		}
	}
	for range 10 {
		if err := e.c.Query(ctx, "tasks:list", nil, nil); err != nil {
			t.Fatalf("foreground read: %v", err)
		}
	}
	for _, b := range e.c.Breakers() {
		if b.State != convexclient.StateClosed {
			t.Fatalf("breakers %+v", e.c.Breakers())
		}
	}
	if e.flaky.Failed() != 8 {
		t.Fatalf("backend saw %d background attempts, want 8", e.flaky.Failed())
	}
}

// TestBackgroundOutageStaysInBackground: many failing background tasks open
// the background breaker only; foreground reads and writes go on.
func TestBackgroundOutageStaysInBackground(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Status: 503, Endpoints: []string{convextest.EndpointAction}},
		convexclient.Config{Breaker: sensitive})
	ctx := context.Background()
	for range 5 { // five tasks, first attempts
		_ = e.c.Action(convexclient.WithBackground(ctx), "mail:send", nil, nil)
	}
	if got := e.state(t, convexclient.BreakerBackground); got != convexclient.StateOpen {
		t.Fatalf("background breaker %s", got)
	}
	var ue *convexclient.UnavailableError
	if err := e.c.Mutation(convexclient.WithBackground(ctx), "tasks:touch", nil, nil); !errors.As(err, &ue) ||
		ue.Reason != convexclient.ReasonBreakerOpen || ue.Breaker != convexclient.BreakerBackground {
		t.Fatalf("background call while open: %v", err)
	}
	if err := e.c.Query(ctx, "tasks:list", nil, nil); err != nil {
		t.Fatalf("foreground read: %v", err)
	}
	if err := e.c.Mutation(ctx, "tasks:touch", nil, nil); err != nil {
		t.Fatalf("foreground write: %v", err)
	}
	if got := e.transitions(); len(got) != 1 || got[0] != "background:closed->open" {
		t.Fatalf("transitions %v", got)
	}
}

// TestKindsAreIsolated: an outage of one kind's endpoint opens that kind's
// breaker only.
func TestKindsAreIsolated(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Reset: true, Endpoints: []string{convextest.EndpointMutation}},
		convexclient.Config{Breaker: sensitive, Retry: convexclient.RetryPolicy{MaxAttempts: 1}})
	ctx := context.Background()
	for range 5 {
		_ = e.c.Mutation(ctx, "tasks:touch", nil, nil)
	}
	want := map[string]convexclient.State{convexclient.BreakerQuery: convexclient.StateClosed,
		convexclient.BreakerMutation: convexclient.StateOpen, convexclient.BreakerAction: convexclient.StateClosed,
		convexclient.BreakerBackground: convexclient.StateClosed}
	var names []string
	for _, b := range e.c.Breakers() {
		names = append(names, b.Name)
		if b.State != want[b.Name] {
			t.Errorf("%s: %s", b.Name, b.State)
		}
	}
	if strings.Join(names, ",") != "query,mutation,action,background" {
		t.Fatalf("breakers %v", names)
	}
	if err := e.c.Query(ctx, "tasks:list", nil, nil); err != nil {
		t.Fatalf("read during a mutation outage: %v", err)
	}
	if err := e.c.Action(ctx, "tasks:sync", nil, nil); err != nil {
		t.Fatalf("action during a mutation outage: %v", err)
	}
	// While the foreground mutation breaker is open, background mutations
	// fail fast without a request and without counting anywhere.
	before := e.arrivals()
	var ue *convexclient.UnavailableError
	err := e.c.Mutation(convexclient.WithBackground(ctx), "tasks:touch", nil, nil)
	if !errors.As(err, &ue) || ue.Breaker != convexclient.BreakerMutation || e.arrivals() != before {
		t.Fatalf("background mutation during an open foreground breaker: %v (%d requests)", err, e.arrivals()-before)
	}
}

// TestAttemptsCountOnce: later attempts of a task (WithAttempt) are not
// counted while the breaker is closed, but count as half-open probes.
func TestAttemptsCountOnce(t *testing.T) {
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Status: 500},
		convexclient.Config{Breaker: convexclient.BreakerSettings{MinRequests: 3, FailureRatio: 1, OpenTimeout: 30 * time.Millisecond}})
	ctx := context.Background()
	task := func(attempt int) error {
		return e.c.Mutation(convexclient.WithAttempt(ctx, attempt), "tasks:touch", nil, nil)
	}
	for attempt := 1; attempt <= 10; attempt++ {
		_ = task(attempt)
	}
	if got := e.state(t, convexclient.BreakerMutation); got != convexclient.StateClosed {
		t.Fatalf("one task's 10 attempts: breaker %s", got)
	}
	_, _ = task(1), task(1) // two more tasks: three counted failures
	if got := e.state(t, convexclient.BreakerMutation); got != convexclient.StateOpen {
		t.Fatalf("three tasks: breaker %s", got)
	}
	e.flaky.SetRate(0)
	eventually(t, "half-open", func() bool { return e.state(t, convexclient.BreakerMutation) == convexclient.StateHalfOpen })
	if err := task(7); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if got := e.state(t, convexclient.BreakerMutation); got != convexclient.StateClosed {
		t.Fatalf("a successful retry probe left the breaker %s", got)
	}
}

// TestStateAndHooks: State and OnStateChange follow the query breaker;
// OnBreakerChange hears every breaker by name.
func TestStateAndHooks(t *testing.T) {
	var legacy []string
	e := newEnv(t, convextest.FlakyOptions{Rate: 1, Status: 502}, convexclient.Config{
		Breaker:       sensitive,
		Retry:         convexclient.RetryPolicy{MaxAttempts: 1},
		OnStateChange: func(from, to convexclient.State) { legacy = append(legacy, from.String()+"->"+to.String()) },
	})
	ctx := context.Background()
	for range 5 {
		_ = e.c.Mutation(ctx, "tasks:touch", nil, nil)
	}
	if e.c.State() != convexclient.StateClosed || len(legacy) != 0 {
		t.Fatalf("mutation outage: State %s, OnStateChange %v", e.c.State(), legacy)
	}
	for range 5 {
		_ = e.c.Query(ctx, "tasks:list", nil, nil)
	}
	if e.c.State() != convexclient.StateOpen || fmt.Sprint(legacy) != "[closed->open]" {
		t.Fatalf("query outage: State %s, OnStateChange %v", e.c.State(), legacy)
	}
	if got := fmt.Sprint(e.transitions()); got != "[mutation:closed->open query:closed->open]" {
		t.Fatalf("OnBreakerChange %s", got)
	}
}
