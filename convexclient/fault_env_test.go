package convexclient_test

import (
	"context"
	"net"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

const envKey = "dev:resilience|a2V5"

// env is a client wired over loopback to a convextest deployment behind a
// Flaky fault layer.
type env struct {
	d      *convextest.Deployment
	flaky  *convextest.Flaky
	url    string
	c      *convexclient.Client
	gate   *gate
	mu     sync.Mutex
	events []convexclient.CallEvent
	trans  []string // "name:from->to"
}

// gate blocks the "slow:get" query until opened, and tracks how many calls
// it holds at once.
type gate struct {
	open         chan struct{}
	inside, peak atomic.Int64
	once         sync.Once
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// newEnv starts the backend with faults fo and a client with cfg (URL,
// deploy key, hooks and a seeded jitter are filled in).
func newEnv(t *testing.T, fo convextest.FlakyOptions, cfg convexclient.Config) *env {
	t.Helper()
	e := &env{d: convextest.NewDeployment(convextest.Options{AdminKey: envKey}), gate: &gate{open: make(chan struct{})}}
	ok := func(context.Context, *convextest.Call) (any, error) { return "ok", nil }
	e.d.Query("tasks:list", ok)
	e.d.Mutation("tasks:touch", ok)
	e.d.Action("tasks:sync", ok)
	e.d.Query("slow:get", func(ctx context.Context, _ *convextest.Call) (any, error) {
		n := e.gate.inside.Add(1)
		defer e.gate.inside.Add(-1)
		for p := e.gate.peak.Load(); n > p && !e.gate.peak.CompareAndSwap(p, n); p = e.gate.peak.Load() {
		}
		select {
		case <-e.gate.open:
		case <-ctx.Done():
		}
		return "slow", nil
	})
	e.flaky = convextest.NewFlaky(e.d, fo)
	ctx, cancel := context.WithCancel(context.Background())
	srv := httptest.NewUnstartedServer(e.flaky)
	srv.Config.BaseContext = func(net.Listener) context.Context { return ctx } // Close releases hung calls
	srv.Start()
	t.Cleanup(func() { e.gate.release(); cancel(); srv.Close() })
	e.url = srv.URL
	cfg.URL, cfg.DeployKey = srv.URL, envKey
	cfg.OnCall = func(ev convexclient.CallEvent) { e.mu.Lock(); e.events = append(e.events, ev); e.mu.Unlock() }
	cfg.OnBreakerChange = func(name string, from, to convexclient.State) {
		e.mu.Lock()
		e.trans = append(e.trans, name+":"+from.String()+"->"+to.String())
		e.mu.Unlock()
	}
	c, err := convexclient.New(convexclient.WithTestHooks(cfg, 1))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func (e *env) transitions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.trans...)
}

func (e *env) lastEvent() convexclient.CallEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.events[len(e.events)-1]
}

// state returns the named breaker's state.
func (e *env) state(t *testing.T, name string) convexclient.State {
	t.Helper()
	for _, b := range e.c.Breakers() {
		if b.Name == name {
			return b.State
		}
	}
	t.Fatalf("no breaker %q", name)
	return 0
}

// calls counts the calls of path the deployment ran.
func (e *env) calls(path string) int {
	n := 0
	for _, c := range e.d.Calls() {
		if c.Path == path {
			n++
		}
	}
	return n
}

// eventually polls cond (a goroutine hand-off, not a clock) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// arrivals counts the requests that reached the backend's HTTP server.
func (e *env) arrivals() int { return e.flaky.Passed() + e.flaky.Failed() }
