package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

const testDeployKey = "test:deploy-key"

// Random-looking test secrets (the production guards refuse weak ones).
const (
	testSessionSecret = "bfce3533fe6ced0303215d2e629e720bd17474f7974b88ec9a2247d007e47c8c"
	testCSRFSecret    = "566e31754886cac5e957b43efccdd6f80028601d89cf6918d18c7a16b6c57a1c"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testUser is a users document of the fake deployment.
type testUser struct {
	ID, Email, Name, Role string
	Active                bool
	Password              string
	Cost                  int
}

// fakeBackend is a convextest deployment with the internal auth functions,
// written in the test.
type fakeBackend struct {
	*convextest.Server
	mu        sync.Mutex
	users     map[string]map[string]any // by email
	lastLogin map[string]int
	rehashed  map[string]string
}

func newFakeBackend(t *testing.T, users ...testUser) *fakeBackend {
	t.Helper()
	return newFakeBackendOpts(t, convextest.Options{AdminKey: testDeployKey}, users...)
}

func newFakeBackendOpts(t *testing.T, opts convextest.Options, users ...testUser) *fakeBackend {
	t.Helper()
	fb := &fakeBackend{users: map[string]map[string]any{}, lastLogin: map[string]int{}, rehashed: map[string]string{}}
	for _, u := range users {
		cost := u.Cost
		if cost == 0 {
			cost = bcrypt.MinCost
		}
		h, err := bcrypt.GenerateFromPassword([]byte(u.Password), cost)
		if err != nil {
			t.Fatal(err)
		}
		fb.users[u.Email] = map[string]any{"_id": u.ID, "_creationTime": 1.0, "email": u.Email, "name": u.Name,
			"role": u.Role, "isActive": u.Active, "passwordHash": string(h)}
	}
	d := convextest.NewDeployment(opts)
	d.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Email string `json:"email"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		defer fb.mu.Unlock()
		if u, ok := fb.users[args.Email]; ok {
			return u, nil
		}
		return nil, nil
	}, convextest.Internal())
	d.Query("auth:getUserById", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			UserID string `json:"userId"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		defer fb.mu.Unlock()
		if u := fb.byID(args.UserID); u != nil {
			return u, nil
		}
		return nil, nil
	}, convextest.Internal())
	d.Mutation("auth:updateLastLogin", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			UserID string `json:"userId"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		fb.lastLogin[args.UserID]++
		fb.mu.Unlock()
		return nil, nil
	}, convextest.Internal())
	d.Mutation("auth:updatePasswordHash", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			UserID       string `json:"userId"`
			PasswordHash string `json:"passwordHash"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		fb.rehashed[args.UserID] = args.PasswordHash
		if u := fb.byID(args.UserID); u != nil {
			u["passwordHash"] = args.PasswordHash
		}
		fb.mu.Unlock()
		return nil, nil
	}, convextest.Internal())
	fb.accountFlowFunctions(d)
	fb.Server = convextest.NewServer(d)
	t.Cleanup(fb.Close)
	return fb
}

// byID returns the user document with the id (fb.mu held).
func (fb *fakeBackend) byID(id string) map[string]any {
	for _, u := range fb.users {
		if u["_id"] == id {
			return u
		}
	}
	return nil
}

// accountFlowFunctions adds the account flows' functions: createUser
// (EMAIL_TAKEN for a known email), markEmailVerified and
// users:authorizeInvitation (admins may invite, as the caller).
func (fb *fakeBackend) accountFlowFunctions(d *convextest.Deployment) {
	d.Mutation("auth:createUser", func(_ context.Context, c *convextest.Call) (any, error) {
		var a map[string]any
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		defer fb.mu.Unlock()
		email, _ := a["email"].(string)
		if _, ok := fb.users[email]; ok {
			return nil, convextest.ConvexError(map[string]any{"code": "EMAIL_TAKEN"})
		}
		id := fmt.Sprintf("u_created%d", len(fb.users))
		doc := map[string]any{"_id": id, "_creationTime": 2.0, "email": email, "name": a["name"], "role": "member",
			"isActive": true, "emailVerified": a["emailVerified"]}
		for _, k := range []string{"role", "passwordHash"} {
			if v, ok := a[k]; ok {
				doc[k] = v
			}
		}
		fb.users[email] = doc
		return id, nil
	}, convextest.Internal())
	d.Mutation("auth:markEmailVerified", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct {
			UserID string `json:"userId"`
		}
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		fb.mu.Lock()
		defer fb.mu.Unlock()
		u := fb.byID(a.UserID)
		if u == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
		}
		u["emailVerified"] = true
		return nil, nil
	}, convextest.Internal())
	d.Query("users:authorizeInvitation", func(_ context.Context, c *convextest.Call) (any, error) {
		if c.Identity == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "UNAUTHENTICATED"})
		}
		fb.mu.Lock()
		defer fb.mu.Unlock()
		if u := fb.byID(c.Identity.Subject); u == nil || u["role"] != "admin" {
			return nil, convextest.ConvexError(map[string]any{"code": "FORBIDDEN"})
		}
		return nil, nil
	})
}

var demoUsers = []testUser{
	{ID: "u_admin", Email: "admin@test.dev", Name: "Ada", Role: "admin", Active: true, Password: "right-pass"},
	{ID: "u_gone", Email: "gone@test.dev", Name: "Gone", Role: "member", Active: false, Password: "gone-pass"},
}

// testConfig is a gateway config on a free loopback port against url.
func testConfig(url string) Config {
	c := Defaults()
	c.ListenAddr, c.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	c.ConvexURL = url
	c.ConvexDeployKey = testDeployKey
	c.IdentityMode = IdentityAdmin
	c.SessionSecret = Secret(testSessionSecret)
	c.CSRFSecret = Secret(testCSRFSecret)
	c.SecureCookies = false
	c.BcryptCost = bcrypt.MinCost
	c.AllowInsecure = []string{InsecureBcryptCost}       // fast hashes in tests
	c.LoginAccountRate, c.LoginAccountBurst = 6000, 1000 // tests log one account in many times (above LockoutMax)
	c.BcryptWorkers = 2
	c.ProtectedPrefixes = []string{"/dashboard"}
	c.BreakerOpenTimeout = 10 * time.Second
	return c
}

// startGateway runs the gateway until the test ends.
func startGateway(t *testing.T, cfg Config, opts Options) *Gateway {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	g, err := New(cfg, opts)
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

// browser is an HTTP client with a cookie jar and the last CSRF token.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

// newAdmin is a client of g's admin listener (/readyz, /metrics).
func newAdmin(t *testing.T, g *Gateway) *browser {
	b := newBrowser(t, g)
	b.base = g.AdminURL()
	return b
}

func newBrowser(t *testing.T, g *Gateway) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: g.URL(), c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// errCode returns error.code of an error body.
func (r resp) errCode(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func (b *browser) do(method, path, body string, hdr map[string]string) resp {
	b.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, b.base+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

func (b *browser) login(email, password string) resp {
	b.t.Helper()
	r := b.do(http.MethodPost, "/api/auth/login", `{"email":"`+email+`","password":"`+password+`"}`, nil)
	if r.status == http.StatusOK {
		b.csrf, _ = r.json(b.t)["csrfToken"].(string)
	}
	return r
}

// callsTo returns the recorded calls of one function.
func callsTo(d *convextest.Deployment, path string) []convextest.RecordedCall {
	var out []convextest.RecordedCall
	for _, c := range d.Calls() {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
