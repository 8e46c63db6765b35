package faultsuite

import (
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/gateway"
)

// clock is a settable clock for the runner's task ages.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Issue 16, failures 2 and 5: one user's background retries opened the
// breaker for everyone, and last-login updates were lost in outages of 3
// to 30 s. Across a 60 s outage of the last-login mutation (60 s of the
// runner's injected clock; the retries are real), logins keep working and
// every update lands once the backend is back: 0 lost, with and without
// Redis.
func TestSecondaryAcrossOutage(t *testing.T) {
	for _, withRedis := range []bool{false, true} {
		name := map[bool]string{false: "memory", true: "redis"}[withRedis]
		t.Run(name, func(t *testing.T) {
			b := newBackend(t, convextest.FlakyOptions{})
			cfg := config(t, b)
			if withRedis {
				cfg.RedisURL = gateway.Secret(startRedis(t).url())
			}
			clk := &clock{t: time.Now()}
			g := startGateway(t, cfg, gateway.Options{Now: clk.now})
			b.d.Inject("auth:updateLastLogin", convextest.Fault{Status: http.StatusServiceUnavailable})
			const n = 100
			var logins tally
			parallel(n, 8, func(i int) { logins.add(newClient(g.URL()).login(i)) })
			sec := g.Secondary()
			for step := range 12 { // 60 s of outage by the runner's clock, while the tasks retry
				clk.advance(5 * time.Second)
				want := uint64(n * (step + 2))
				eventually(5*time.Second, func() bool { return sec.Stats().Retried >= want })
			}
			reads, writes := newClient(g.URL()).read(), newClient(g.URL()).write()
			b.d.ClearFaults()
			eventually(30*time.Second, func() bool { return b.recorded() == n })
			st := sec.Stats()
			report(t, fmt.Sprintf("secondary: last-login mutation down 60 s, %d logins (%s)", n, name),
				"logins, reads and other mutations 200 during the outage; 0 lost, 0 dropped, 0 dead-lettered",
				fmt.Sprintf("logins %s, read %d, mutation %d; %d/%d recorded; retried %d, dropped %d, dead %d", &logins, reads.status,
					writes.status, b.recorded(), n, st.Retried, st.Dropped, st.DeadLettered),
				logins.get(200) == n && reads.status == 200 && writes.status == 200 && b.recorded() == n &&
					st.Dropped == 0 && st.DeadLettered == 0)
		})
	}
}

// Issue 16, failure 5: kill -9 lost 40 of 40 queued last-login updates.
// With Redis, a gateway process killed with queued tasks leaves them in
// the stream; the restarted process claims and delivers all of them.
func TestSecondaryKill9WithRedis(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	r := startRedis(t)
	env := procEnv(t, b)
	env["REDIS_URL"], env["SECONDARY_CLAIM_IDLE"], env["SECONDARY_TIMEOUT"] = r.url(), "1s", "300ms"
	first := startProc(t, env)
	b.d.Inject("auth:updateLastLogin", convextest.Fault{Status: http.StatusServiceUnavailable})
	const n = 40
	var logins tally
	parallel(n, 8, func(i int) { logins.add(newClient(first.url).login(i)) })
	_ = first.cmd.Process.Signal(syscall.SIGKILL)
	<-first.done
	lostBefore := n - b.recorded()
	b.d.ClearFaults()
	startProc(t, env)
	eventually(30*time.Second, func() bool { return b.recorded() == n })
	report(t, fmt.Sprintf("kill -9 of a gateway with %d queued last-login updates (Redis), restart", n),
		"all delivered after the restart (0 lost)",
		fmt.Sprintf("logins %s; %d undelivered at the kill; %d/%d recorded after the restart", &logins, lostBefore, b.recorded(), n),
		logins.get(200) == n && lostBefore == n && b.recorded() == n)
}

// Issue 16, failure 5: SIGTERM with 60 queued delivered 30. A gateway
// process without Redis, stopped with SIGTERM while reads are in flight
// and 60 last-login updates wait on a slow mutation, answers the requests
// it accepted, delivers every update within SHUTDOWN_TIMEOUT and exits 0.
func TestSigtermUnderLoad(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	b.d.Inject("auth:updateLastLogin", convextest.Fault{Latency: 30 * time.Millisecond})
	env := procEnv(t, b)
	env["SECONDARY_WORKERS"] = "1"
	p := startProc(t, env)
	const n = 60
	var logins, reads tally
	parallel(n, 12, func(i int) { logins.add(newClient(p.url).login(i)) })
	queued := n - b.recorded()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(p.url)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if r := c.read(); r.status != 0 {
					reads.add(r)
				}
			}
		}()
	}
	eventually(5*time.Second, func() bool { return reads.total() > 50 })
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done
	close(stop)
	wg.Wait()
	code := p.cmd.ProcessState.ExitCode()
	report(t, fmt.Sprintf("SIGTERM under load, %d last-login updates queued (no Redis)", n),
		"accepted requests answered 200; every update delivered; exit 0",
		fmt.Sprintf("reads %s; %d queued at SIGTERM, %d/%d recorded; exit %d", &reads, queued, b.recorded(), n, code),
		logins.get(200) == n && reads.only(200) && queued > 0 && b.recorded() == n && code == 0)
}
