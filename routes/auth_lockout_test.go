package routes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// lockoutEnv is the routes with one account (a@b.test / right-password)
// on a fake deployment that counts its lookups: one per admitted attempt.
type lockoutEnv struct {
	h       http.Handler
	dep     *convextest.Deployment
	lookups atomic.Int32
}

func newLockoutEnv(t *testing.T, maxFailures int) *lockoutEnv {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("right-password"), 4)
	if err != nil {
		t.Fatal(err)
	}
	env := &lockoutEnv{}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "test-key"})
	dep.Query("auth:getUserByEmail", func(context.Context, *convextest.Call) (any, error) {
		env.lookups.Add(1)
		return map[string]any{"_id": "u1", "email": "a@b.test", "passwordHash": string(hash)}, nil
	}, convextest.Internal())
	env.dep = dep
	srv := convextest.NewServer(dep)
	t.Cleanup(srv.Close)

	d := testDeps(t)
	d.Convex, err = convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: "test-key",
		Retry: convexclient.RetryPolicy{MaxAttempts: 1}, Breaker: convexclient.BreakerSettings{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	d.Accounts = accounts.NewConvex(d.Convex, accounts.Functions{FindByEmail: "auth:getUserByEmail"}, nil)
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	lim, err := auth.NewLimiter(store, map[string]auth.Policy{PolicyLogin: {Rate: 100, Burst: 100},
		PolicyLoginAccount: {Rate: 100, Burst: 100}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.LoginGuard, err = auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim,
		Lockout: auth.NewLockout(store, auth.LockoutConfig{MaxFailures: maxFailures})})
	if err != nil {
		t.Fatal(err)
	}
	env.h = NewAPI(d).Handler()
	return env
}

// answer is a login response with the request id blanked.
type answer struct {
	status int
	body   string
	header []string // header names, sorted; Retry-After with its value
}

func (env *lockoutEnv) login(password, ip string) answer {
	r := httptest.NewRequest(http.MethodPost, "/api/auth/login",
		strings.NewReader(`{"email":"a@b.test","password":"`+password+`"}`))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = ip + ":1234"
	w := serve(env.h, r)
	body := w.Body.String()
	if i := strings.Index(body, `"requestId":"`); i >= 0 {
		body = body[:i] + body[i+len(`"requestId":"`)+16:]
	}
	var hdr []string
	for k := range w.Header() {
		switch k {
		case "X-Request-Id", "Convex-Request-Id":
		case "Retry-After":
			hdr = append(hdr, k+"="+w.Header().Get(k))
		default:
			hdr = append(hdr, k)
		}
	}
	sort.Strings(hdr)
	return answer{w.Code, body, hdr}
}

// TestLockoutRace (issue 12, defect 1): parallel guesses never check more
// than the limit, spread over several addresses or not, and while locked
// the right password gets exactly the wrong password's answer.
func TestLockoutRace(t *testing.T) {
	for _, ips := range [][]string{{"192.0.2.1"}, {"192.0.2.1", "198.51.100.7", "203.0.113.9"}} {
		env := newLockoutEnv(t, 5)
		var wg sync.WaitGroup
		answers := make([]answer, 18)
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pw := "wrong-" + string(rune('a'+i))
				if i == 9 {
					pw = "right-password"
				}
				answers[i] = env.login(pw, ips[i%len(ips)])
			}()
		}
		wg.Wait()
		if n := env.lookups.Load(); n > 5 {
			t.Errorf("%d addresses: %d passwords checked against a limit of 5", len(ips), n)
		}
		// Whatever the right password got, unless it signed in within the
		// limit, some wrong password got too.
		if right := answers[9]; right.status != http.StatusOK {
			same := false
			for i, a := range answers {
				if i != 9 && a.status == right.status && a.body == right.body && strings.Join(a.header, ",") == strings.Join(right.header, ",") {
					same = true
				}
			}
			if !same {
				t.Errorf("%d addresses: the right password's answer %+v is unlike every wrong one's", len(ips), right)
			}
		}
	}
	// Locked: the right and a wrong password get the same answer.
	env := newLockoutEnv(t, 3)
	for range 3 {
		env.login("wrong", "192.0.2.1")
	}
	before := env.lookups.Load()
	right, wrong := env.login("right-password", "192.0.2.2"), env.login("still-wrong", "192.0.2.3")
	if right.status != http.StatusTooManyRequests || right.body != wrong.body ||
		strings.Join(right.header, ",") != strings.Join(wrong.header, ",") {
		t.Fatalf("locked: right %+v\nwrong %+v", right, wrong)
	}
	if env.lookups.Load() != before {
		t.Fatal("a locked account's password was checked")
	}
}

// TestOutageDoesNotLockOut: attempts whose password was never checked (the
// user lookup failed) are taken back, so users are not locked out by a
// backend outage.
func TestOutageDoesNotLockOut(t *testing.T) {
	env := newLockoutEnv(t, 3)
	env.dep.Inject("auth:getUserByEmail", convextest.Fault{Status: http.StatusServiceUnavailable, Times: 6})
	for i := range 6 {
		if a := env.login("right-password", "192.0.2.1"); a.status < 500 {
			t.Fatalf("during the outage, attempt %d: %+v", i, a)
		}
	}
	if a := env.login("right-password", "192.0.2.1"); a.status != http.StatusOK {
		t.Fatalf("after the outage: %+v", a)
	}
}
