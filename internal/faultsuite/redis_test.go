package faultsuite

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/gateway"
)

// stateAnswer is the answer a request needing the state store must get
// while it is unavailable.
func stateAnswer(r result) bool {
	return r.status == http.StatusServiceUnavailable && r.code == "state_unavailable"
}

// never reports whether none of rs is 401, 429 or 500.
func never(rs ...result) bool {
	for _, r := range rs {
		if r.status == 401 || r.status == 429 || r.status == 500 {
			return false
		}
	}
	return true
}

// Issue 16, failure 6: Redis killed: reads answered 401 (signed out),
// logins 500. Now: the store breaker opens, /readyz says so within its
// deadline, session reads and logins answer 503 state_unavailable with
// Retry-After, and everything recovers when Redis is back.
func TestRedisKilledAndRestarted(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	r := startRedis(t)
	cfg := config(t, b)
	cfg.RedisURL = gateway.Secret(r.url())
	g := startGateway(t, cfg, gateway.Options{})
	c := newClient(g.URL())
	if l := c.login(1); l.status != 200 {
		t.Fatalf("login: %+v", l)
	}
	r.kill()
	var sessions []result
	for range 20 {
		sessions = append(sessions, c.session())
	}
	login := newClient(g.URL()).login(2)
	admin := newClient(g.AdminURL())
	ready := admin.do(http.MethodGet, "/readyz", "")
	readyBody := readyz(admin)
	report(t, "Redis killed: /readyz", "503 within its deadline, redis not ok, store breaker shown",
		fmt.Sprintf("%d %s", ready.status, readyBody),
		ready.status == 503 && strings.Contains(readyBody, `"redis":{"ok":false`) && strings.Contains(readyBody, "store breaker"))
	last := sessions[len(sessions)-1]
	report(t, "Redis killed: session reads and a login", "503 state_unavailable + Retry-After; never 401/429/500",
		fmt.Sprintf("session %d %s, login %d %s", last.status, last.code, login.status, login.code),
		stateAnswer(last) && last.retryAfter != "" && stateAnswer(login) && never(append(sessions, login)...))
	r.start()
	back := eventually(15*time.Second, func() bool { return c.session().status == 200 })
	relogin := eventually(15*time.Second, func() bool { return newClient(g.URL()).login(3).status == 200 })
	report(t, "Redis restarted (append-only file)", "the session and logins work again by themselves",
		fmt.Sprintf("session back %v, login back %v", back, relogin), back && relogin)
}

func readyz(c *client) string {
	req, _ := http.NewRequest(http.MethodGet, c.base+"/readyz", nil)
	res, err := c.hc.Do(req)
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

// Issue 16, failure 6: Redis frozen: a read took 10 s, /readyz 5 s, and
// after the freeze 793 requests got 429 with limits of 10⁶/s (the rate
// limiter stamped requests with the gateway's clock). Now the rate limiter
// takes Redis's clock: requests delayed by the freeze are never refused as
// over budget; /readyz answers despite the freeze.
func TestRedisFrozen(t *testing.T) {
	b := newBackend(t, convextest.FlakyOptions{})
	r := startRedis(t)
	cfg := config(t, b)
	cfg.RedisURL = gateway.Secret(r.url())
	cfg.APIRate, cfg.APIBurst = 1000000, 1000000
	g := startGateway(t, cfg, gateway.Options{})
	c := newClient(g.URL())
	if l := c.login(1); l.status != 200 {
		t.Fatalf("login: %+v", l)
	}
	thawed := r.freeze(2 * time.Second)
	var during tally
	var sessions []result
	var sessMu sync.Mutex
	readyDuring := make(chan result, 1)
	go func() { readyDuring <- newClient(g.AdminURL()).do(http.MethodGet, "/readyz", "") }()
	parallel(300, 30, func(i int) {
		cl := newClient(g.URL())
		during.add(cl.read())
		if i%30 == 0 {
			r := c.session()
			sessMu.Lock()
			sessions = append(sessions, r)
			sessMu.Unlock()
		}
	})
	<-thawed
	var after tally
	parallel(300, 30, func(int) { after.add(newClient(g.URL()).read()) })
	rd := <-readyDuring
	report(t, "Redis frozen 2 s (DEBUG SLEEP): 300 reads in it, 300 after", "no 429 (the limiter takes Redis's clock), no 500; /readyz answers",
		fmt.Sprintf("during %s; after %s; /readyz %d", &during, &after, rd.status),
		during.get(429) == 0 && after.get(429) == 0 && during.get(500) == 0 && after.only(200) && rd.status != 0)
	ok := true
	for _, s := range sessions {
		ok = ok && (s.status == 200 || stateAnswer(s))
	}
	report(t, "Redis frozen: session reads", "200 or 503 state_unavailable; never 401/429/500",
		fmt.Sprintf("%d session reads, e.g. %+v", len(sessions), sessions[0]), ok && never(sessions...))
}
