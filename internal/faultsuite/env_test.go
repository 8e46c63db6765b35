package faultsuite

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/gateway"
	"github.com/convexgw/convexgw/internal/faultproxy"
)

const (
	deployKey = "dev:faultsuite"
	password  = "right-pass"
)

// backend is a fake Convex deployment (the login contract and a read,
// tasks:list) behind an HTTP fault layer (convextest.Flaky) and a TCP
// fault proxy: gateway → proxy → flaky → deployment.
type backend struct {
	d     *convextest.Deployment
	flaky *convextest.Flaky
	proxy *faultproxy.Proxy

	mu        sync.Mutex
	lastLogin map[string]int // userId → calls
}

// hash is the one bcrypt hash (cost 4) of every test user's password.
var hash = sync.OnceValue(func() string {
	h, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	return string(h)
})

func email(i int) string { return fmt.Sprintf("u%03d@test.dev", i) }

func newBackend(t *testing.T, fo convextest.FlakyOptions) *backend {
	t.Helper()
	b := &backend{d: convextest.NewDeployment(convextest.Options{AdminKey: deployKey}), lastLogin: map[string]int{}}
	b.d.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct{ Email string }
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		var i int
		if _, err := fmt.Sscanf(a.Email, "u%03d@test.dev", &i); err != nil {
			return nil, nil
		}
		return map[string]any{"_id": fmt.Sprintf("id%03d", i), "email": a.Email, "passwordHash": hash(), "name": "U"}, nil
	}, convextest.Internal())
	b.d.Mutation("auth:updateLastLogin", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct {
			UserID string  `json:"userId"`
			At     float64 `json:"at"`
		}
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		b.mu.Lock()
		b.lastLogin[a.UserID]++
		b.mu.Unlock()
		return nil, nil
	}, convextest.Internal())
	b.d.Mutation("auth:updatePasswordHash", func(context.Context, *convextest.Call) (any, error) { return nil, nil }, convextest.Internal())
	b.d.Query("tasks:list", func(context.Context, *convextest.Call) (any, error) { return []string{"a", "b"}, nil })
	b.d.Mutation("tasks:touch", func(context.Context, *convextest.Call) (any, error) { return nil, nil })
	b.flaky = convextest.NewFlaky(b.d, fo)
	ctx, cancel := context.WithCancel(context.Background())
	srv := httptest.NewUnstartedServer(b.flaky)
	srv.Config.BaseContext = func(net.Listener) context.Context { return ctx }
	srv.Start()
	p, err := faultproxy.Start(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b.proxy = p
	t.Cleanup(func() { p.Close(); cancel(); srv.Close() })
	return b
}

// recorded is the number of distinct users whose login was recorded.
func (b *backend) recorded() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.lastLogin)
}

// signingKey writes an ES256 key for jwt identity mode (the passthrough
// needs jwt mode, or a function spec, to serve tasks:list).
var keyDir string

func signingKeyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(keyDir, "signing.pem")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	k, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	pemData, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Random-looking test secrets (the production guards refuse weak ones).
const (
	sessionSecret = "7c1e9a4f2b8d5e0c3a6f9b2e5d8c1a4f7b0e3d6c9a2f5e8b"
	csrfSecret    = "e4b7a0d3c6f9e2b5a8d1c4f7e0b3a6d9c2f5b8e1a4d7c0f3"
)

// config is an in-process gateway's configuration against b.
func config(t *testing.T, b *backend) gateway.Config {
	c := gateway.Defaults()
	c.ListenAddr, c.PublicURL = "127.0.0.1:0", "http://127.0.0.1"
	c.ConvexURL, c.ConvexDeployKey = b.proxy.URL(), deployKey
	c.IdentityMode, c.SigningKeyFile = gateway.IdentityJWT, signingKeyFile(t)
	c.PassthroughExpose = []string{"tasks:list", "tasks:touch"}
	c.SessionSecret, c.CSRFSecret = gateway.Secret(sessionSecret), gateway.Secret(csrfSecret)
	c.SecureCookies = false
	c.BcryptCost, c.BcryptWorkers = bcrypt.MinCost, 2
	c.LockoutMax, c.LoginRate, c.LoginBurst, c.APIRate = 1000000, 6000000, 1000000, 0
	c.LoginAccountRate, c.LoginAccountBurst = 6000000, 2000000
	c.AllowInsecure = []string{gateway.InsecureBcryptCost, gateway.InsecureLockout} // fast hashes, no lockout in load tests
	c.AdminAddr = "127.0.0.1:0"
	c.SecondaryMaxBackoff = 100 * time.Millisecond
	return c
}

// startGateway runs an in-process gateway until the test ends.
func startGateway(t *testing.T, cfg gateway.Config, opts gateway.Options) *gateway.Gateway {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	g, err := gateway.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Shutdown(ctx)
	})
	return g
}

// client is a browser: cookies and the last CSRF token.
type client struct {
	base string
	hc   *http.Client
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// result is one answer: status (0: no answer), error code, Retry-After.
type result struct {
	status     int
	code       string
	retryAfter string
}

func (c *client) do(method, path, body string) result {
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return result{}
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	var e struct {
		Code  string `json:"code"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &e)
	code := e.Error.Code
	if code == "" {
		code = e.Code
	}
	return result{status: res.StatusCode, code: code, retryAfter: res.Header.Get("Retry-After")}
}

func (c *client) login(i int) result {
	return c.do(http.MethodPost, "/api/auth/login", `{"email":"`+email(i)+`","password":"`+password+`"}`)
}

func (c *client) read() result {
	return c.do(http.MethodPost, "/api/query", `{"path":"tasks:list","args":{}}`)
}

// write is a foreground mutation through the passthrough.
func (c *client) write() result {
	return c.do(http.MethodPost, "/api/mutation", `{"path":"tasks:touch","args":{}}`)
}

func (c *client) session() result { return c.do(http.MethodGet, "/api/auth/session", "") }

// tally counts statuses.
type tally struct {
	mu sync.Mutex
	n  map[int]int
}

func (t *tally) add(r result) {
	t.mu.Lock()
	if t.n == nil {
		t.n = map[int]int{}
	}
	t.n[r.status]++
	t.mu.Unlock()
}

func (t *tally) get(status int) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n[status]
}

func (t *tally) total() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.n {
		n += v
	}
	return n
}

// only reports whether every status is one of ok.
func (t *tally) only(ok ...int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for s := range t.n {
		found := false
		for _, o := range ok {
			found = found || s == o
		}
		if !found {
			return false
		}
	}
	return true
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var parts []string
	for _, s := range []int{0, 200, 401, 429, 500, 502, 503, 504} {
		if t.n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", t.n[s], s))
		}
	}
	return strings.Join(parts, " ")
}

// parallel runs f n times over w goroutines.
func parallel(n, w int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// eventually polls cond (a hand-off between processes, not a clock rule)
// until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
