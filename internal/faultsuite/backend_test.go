package faultsuite

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/gateway"
	"github.com/convexgw/convexgw/internal/faultproxy"
)

// recovers reports whether reads answer 200 again within 10s (the breaker
// probes after BREAKER_OPEN_TIMEOUT, 1s).
func recovers(c *client) bool {
	return eventually(10*time.Second, func() bool { return c.read().status == http.StatusOK })
}

// Killed, closing and resetting backends are answered with 502/503 (the
// breaker opening: 503 backend_unavailable with Retry-After), never 500,
// and the gateway recovers by itself when the backend is back.
func TestBackendConnectionFaults(t *testing.T) {
	for _, mode := range []faultproxy.Mode{faultproxy.Down, faultproxy.Close, faultproxy.Reset} {
		t.Run(mode.String(), func(t *testing.T) {
			b := newBackend(t, convextest.FlakyOptions{})
			g := startGateway(t, config(t, b), gateway.Options{})
			c := newClient(g.URL())
			if r := c.read(); r.status != 200 {
				t.Fatalf("warm-up read: %+v", r)
			}
			if err := b.proxy.Set(mode); err != nil {
				t.Fatal(err)
			}
			var tl tally
			retryAfter := 0
			for range 60 {
				r := c.read()
				tl.add(r)
				if r.status == 503 && r.retryAfter != "" {
					retryAfter++
				}
			}
			_ = b.proxy.Set(faultproxy.Pass)
			ok := recovers(c)
			report(t, "backend "+mode.String()+" (60 reads), then back",
				"only 502/503, 503s with Retry-After, breaker opens, recovers",
				fmt.Sprintf("%s; %d with Retry-After; recovered %v", &tl, retryAfter, ok),
				tl.only(502, 503) && tl.get(503) > 0 && retryAfter == tl.get(503) && ok)
		})
	}
}

// Issue 16, failure 4: a hang cost timeout × rate (goroutines, connections)
// before the first 503. Now at most the lane's limit waits on the backend;
// the rest are shed at once.
func TestBackendHang(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	cfg := config(t, b)
	cfg.ConvexTimeout, cfg.ConvexMaxQueries, cfg.ConvexSlotWait = time.Second, 4, 20*time.Millisecond
	g := startGateway(t, cfg, gateway.Options{})
	c := newClient(g.URL())
	if r := c.read(); r.status != 200 {
		t.Fatalf("warm-up read: %+v", r)
	}
	_ = b.proxy.Set(faultproxy.Hang)
	before := b.proxy.Accepted()
	goroutines := runtime.NumGoroutine()
	var tl tally
	var peak atomic.Int64
	parallel(400, 50, func(i int) {
		tl.add(c.read())
		if n := int64(runtime.NumGoroutine()); i%50 == 0 && n > peak.Load() {
			peak.Store(n) // a sample: racing samplers may keep a slightly lower one
		}
	})
	peakG := int(peak.Load())
	conns := b.proxy.Accepted() - before
	_ = b.proxy.Set(faultproxy.Pass)
	ok := recovers(c)
	report(t, "backend hangs (400 reads, 50 clients, limit 4)",
		"only 503/504; ≤ 4 new backend connections; goroutines bounded; recovers",
		fmt.Sprintf("%s; %d new connections; goroutines %d → peak %d; recovered %v", &tl, conns, goroutines, peakG, ok),
		tl.only(503, 504) && conns <= 4 && peakG < goroutines+50*6 && ok)
}

// Issue 16, failure 3: with 10% or 50% of calls failing, clients saw 96%
// errors (the breaker flapped). Now the failure share passes through.
func TestBackendErrorRates(t *testing.T) {
	for _, rate := range []float64{0.1, 0.5} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			b := newBackend(t, convextest.FlakyOptions{Rate: rate, Status: 500, Seed: 16,
				Endpoints: []string{"/api/query"}})
			g := startGateway(t, config(t, b), gateway.Options{})
			c := newClient(g.URL())
			var tl tally
			parallel(1000, 8, func(int) { tl.add(c.read()) })
			share := float64(tl.total()-tl.get(200)) / float64(tl.total())
			// The passthrough relays the backend's own 500, as a deployment shows it.
			report(t, fmt.Sprintf("%.0f%% HTTP 500 (1000 reads)", rate*100),
				fmt.Sprintf("≈%.0f%% errors (< %.0f%%), no 503 (breaker stays closed)", rate*100, rate*100+15),
				fmt.Sprintf("%s (%.1f%% errors)", &tl, share*100),
				share < rate+0.15 && tl.get(503) == 0 && tl.only(200, 500, 502))
		})
	}
}

// Issue 16, failure 1: HTTP 560 function errors tripped the breaker and
// took logins down. They are the backend working: they never count.
func TestBackendFunctionErrors560(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{Rate: 1, Legacy560: true, Endpoints: []string{"/api/query"}})
	g := startGateway(t, config(t, b), gateway.Options{})
	c := newClient(g.URL())
	var tl tally
	parallel(100, 4, func(int) { tl.add(c.read()) })
	b.flaky.SetRate(0)
	login, read := newClient(g.URL()).login(1), c.read()
	// The passthrough answers a function error as Convex does: HTTP 200
	// with status "error".
	report(t, "HTTP 560 function errors (100 reads), then a login",
		"100 function errors (200 status:error), no 503; the next login and read 200",
		fmt.Sprintf("%s; login %d, read %d; query breaker %s", &tl, login.status, read.status, g.Convex().State()),
		tl.get(200) == 100 && b.flaky.Failed() == 100 && login.status == 200 && read.status == 200 &&
			g.Convex().State() == convexclient.StateClosed)
}

// Issue 16, failure 3: a slow but healthy backend under 256 clients: the
// wait for a connection counted inside the call timeout, the timeouts
// opened the breaker. Now excess calls are shed at once (503) and none
// times out.
func TestBackendSlowUnderConcurrency(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	b.d.Inject("tasks:list", convextest.Fault{Latency: 600 * time.Millisecond})
	cfg := config(t, b)
	cfg.ConvexTimeout, cfg.ConvexMaxQueries, cfg.ConvexSlotWait = 3*time.Second, 8, 50*time.Millisecond // 5× the latency: a loaded CI machine must not turn slow into 504
	g := startGateway(t, cfg, gateway.Options{})
	var tl tally
	parallel(384, 192, func(int) { tl.add(newClient(g.URL()).read()) })
	report(t, "slow backend, 600 ms/call, 3 s timeout (384 reads, 192 clients, limit 8)",
		"200s and 503 (shed at once), no 504, breaker closed",
		fmt.Sprintf("%s; query breaker %s", &tl, g.Convex().State()),
		tl.get(200) > 0 && tl.only(200, 503) && g.Convex().State() == convexclient.StateClosed)
}
