package convexclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// switchable is a handler whose answer can be changed between calls.
type switchable struct{ h atomic.Value }

func (s *switchable) set(h http.HandlerFunc) { s.h.Store(h) }
func (s *switchable) serve(w http.ResponseWriter, r *http.Request) {
	s.h.Load().(http.HandlerFunc)(w, r)
}

type transitions struct {
	mu sync.Mutex
	l  []string
}

func (tr *transitions) add(from, to State) {
	tr.mu.Lock()
	tr.l = append(tr.l, from.String()+"->"+to.String())
	tr.mu.Unlock()
}

func (tr *transitions) get() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.l...)
}

// waitState polls State until it is want. gobreaker v2 reads time.Now and
// accepts no clock, so the open→half-open step needs a real (20ms) timeout.
func waitState(t *testing.T, c *Client, want State) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("state stuck at %s, want %s", c.State(), want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestBreakerLifecycle(t *testing.T) {
	sw := &switchable{}
	sw.set(reply(500, `{"code":"InternalServerError","message":"x"}`))
	tr := &transitions{}
	core, logs := observer.New(zapcore.InfoLevel)
	hs := setup(t, sw.serve, func(c *Config) {
		c.Breaker = BreakerSettings{MinRequests: 3, FailureRatio: 1, OpenTimeout: 20 * time.Millisecond}
		c.OnStateChange = tr.add
		c.Logger = zap.New(core)
	})
	ctx := context.Background()
	for range 3 {
		if hs.c.State() != StateClosed {
			t.Fatal("opened too early")
		}
		_ = hs.c.Query(ctx, "a:b", nil, nil)
	}
	// Open: fail fast, no I/O. (The state may already be half-open if the
	// machine was slow for 20ms; then the call below is a probe instead.)
	hits := hs.rec.hits.Load()
	if err := hs.c.Query(ctx, "a:b", nil, nil); errors.Is(err, ErrUnavailable) {
		if hs.rec.hits.Load() != hits || hs.lastEvent(t).Attempts != 0 || hs.lastEvent(t).Outcome != OutcomeUnavailable {
			t.Fatal("open breaker made a request")
		}
	}
	waitState(t, hs.c, StateHalfOpen)
	// A failing probe re-opens it.
	_ = hs.c.Query(ctx, "a:b", nil, nil)
	waitState(t, hs.c, StateHalfOpen)
	sw.set(reply(200, `{"status":"success","value":null}`))
	if err := hs.c.Query(ctx, "a:b", nil, nil); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if hs.c.State() != StateClosed {
		t.Fatalf("state after successful probe: %s", hs.c.State())
	}
	want := []string{"closed->open", "open->half-open", "half-open->open", "open->half-open", "half-open->closed"}
	got := tr.get()
	if len(got) != len(want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("transitions %v, want %v", got, want)
		}
	}
	if n := logs.FilterMessage("convex circuit breaker state changed").Len(); n != len(want) {
		t.Fatalf("%d state-change logs", n)
	}
}

func TestBreakerHookMayCallState(t *testing.T) {
	var c *Client
	var seen atomic.Int64
	hs := setup(t, reply(500, `{}`), func(cfg *Config) {
		cfg.Breaker = BreakerSettings{MinRequests: 1, OpenTimeout: time.Hour}
		cfg.OnStateChange = func(from, to State) { seen.Add(1); _ = c.State() }
	})
	c = hs.c
	_ = c.Query(context.Background(), "a:b", nil, nil)
	if seen.Load() != 1 || c.State() != StateOpen {
		t.Fatalf("seen %d state %s", seen.Load(), c.State())
	}
}

func TestBreakerRetryAfterUsesInjectedClock(t *testing.T) {
	hs := setup(t, reply(503, `{}`), func(c *Config) {
		c.Breaker = BreakerSettings{MinRequests: 1, OpenTimeout: time.Hour}
	})
	ctx := context.Background()
	_ = hs.c.Query(ctx, "a:b", nil, nil) // one call (3 attempts) = one failure
	var ue *UnavailableError
	if err := hs.c.Query(ctx, "a:b", nil, nil); !errors.As(err, &ue) || ue.RetryAfter != time.Hour || ue.Err != nil ||
		ue.Reason != ReasonBreakerOpen || ue.Breaker != BreakerQuery {
		t.Fatalf("err = %v (%+v)", err, ue)
	}
	hs.clock.add(20 * time.Minute)
	if err := hs.c.Query(ctx, "a:b", nil, nil); !errors.As(err, &ue) || ue.RetryAfter != 40*time.Minute {
		t.Fatalf("after 20m: %+v", ue)
	}
	if hs.rec.hits.Load() != 3 {
		t.Fatalf("hits %d", hs.rec.hits.Load())
	}
}

func TestBreakerCountsOnlyOutages(t *testing.T) {
	const fnErr = `{"status":"error","errorMessage":"[Request ID: 1] Server Error\nUncaught Error: x\n"}`
	cases := []struct {
		name  string
		h     http.HandlerFunc
		trips bool
	}{
		{"500", reply(500, `{}`), true},
		{"502", reply(502, ``), true},
		{"429", reply(429, `{}`), true},
		{"503", reply(503, `{}`), true},
		{"reset", resetConn, true},
		{"560 without a function result", reply(560, `<html>proxy error</html>`), true},
		{"560 function error", reply(560, fnErr), false},
		{"560 success", reply(560, `{"status":"success","value":1.0}`), false},
		{"function error", reply(200, fnErr), false},
		{"400", reply(400, `{"code":"BadJsonBody","message":"x"}`), false},
		{"401", reply(401, `{}`), false},
		{"404", reply(404, `{}`), false},
		{"success", reply(200, `{"status":"success","value":null}`), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := setup(t, tc.h, func(c *Config) {
				c.Breaker = BreakerSettings{MinRequests: 2, FailureRatio: 1, OpenTimeout: time.Hour}
			})
			for range 2 {
				_ = hs.c.Mutation(context.Background(), "a:b", nil, nil)
			}
			if got := breakerState(t, hs.c, BreakerMutation) == StateOpen; got != tc.trips {
				t.Fatalf("open = %v, want %v", got, tc.trips)
			}
			if hs.c.State() != StateClosed {
				t.Fatal("mutations opened the query breaker")
			}
		})
	}
}

// breakerState returns the state of the named breaker.
func breakerState(t *testing.T, c *Client, name string) State {
	t.Helper()
	for _, b := range c.Breakers() {
		if b.Name == name {
			return b.State
		}
	}
	t.Fatalf("no breaker %q", name)
	return 0
}

func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	hang := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	t.Cleanup(func() { close(release) })
	breaker := func(c *Config) { c.Breaker = BreakerSettings{MinRequests: 1, OpenTimeout: time.Hour} }

	t.Run("own timeout counts as failure", func(t *testing.T) {
		hs := setup(t, hang, breaker, func(c *Config) { c.Timeout = 30 * time.Millisecond })
		err := hs.c.Mutation(context.Background(), "a:b", nil, nil)
		if !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if breakerState(t, hs.c, BreakerMutation) != StateOpen || hs.lastEvent(t).Outcome != OutcomeTimeout {
			t.Fatalf("breakers %v event %+v", hs.c.Breakers(), hs.lastEvent(t))
		}
	})
	t.Run("caller deadline is excluded", func(t *testing.T) {
		hs := setup(t, hang, breaker)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		err := hs.c.Query(ctx, "a:b", nil, nil)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if hs.c.State() != StateClosed || hs.lastEvent(t).Outcome != OutcomeTimeout {
			t.Fatalf("state %s", hs.c.State())
		}
	})
	t.Run("caller cancellation is excluded", func(t *testing.T) {
		hs := setup(t, func(w http.ResponseWriter, r *http.Request) { hang(w, r) }, breaker)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for hs.rec.hits.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		err := hs.c.Query(ctx, "a:b", nil, nil)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v", err)
		}
		if hs.c.State() != StateClosed || hs.lastEvent(t).Outcome != OutcomeCanceled {
			t.Fatalf("state %s event %+v", hs.c.State(), hs.lastEvent(t))
		}
	})
}

func TestBreakerDisabled(t *testing.T) {
	hs := setup(t, reply(500, `{}`), func(c *Config) { c.Breaker.Disabled = true })
	for range 10 {
		_ = hs.c.Query(context.Background(), "a:b", nil, nil)
	}
	if hs.c.State() != StateClosed || hs.rec.hits.Load() != 10 {
		t.Fatal("disabled breaker opened")
	}
}

// TestBreakerConcurrentTransitionsInOrder hammers a flapping breaker from
// many goroutines: hooks must see a consistent chain (each from = previous to).
func TestBreakerConcurrentTransitionsInOrder(t *testing.T) {
	var n atomic.Int64
	tr := &transitions{}
	hs := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 {
			reply(200, `{"status":"success","value":null}`)(w, r)
			return
		}
		reply(500, `{}`)(w, r)
	}, func(c *Config) {
		c.Breaker = BreakerSettings{MinRequests: 2, FailureRatio: 0.5, OpenTimeout: time.Millisecond, HalfOpenProbes: 2}
		c.OnStateChange = tr.add
	})
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 30 {
				_ = hs.c.Query(context.Background(), "a:b", nil, nil)
				_ = hs.c.State()
			}
		}()
	}
	wg.Wait()
	final := hs.c.State() // delivers any pending transition before returning
	got := tr.get()
	if len(got) == 0 {
		t.Fatal("no transitions")
	}
	prev := "closed"
	for _, s := range got {
		from, to, _ := strings.Cut(s, "->")
		if from != prev || from == to {
			t.Fatalf("broken chain at %q in %v", s, got)
		}
		prev = to
	}
	if prev != final.String() {
		t.Fatalf("last delivered %s, state %s", prev, final)
	}
}
