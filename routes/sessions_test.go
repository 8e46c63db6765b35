package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// downStore is a memory store whose session operations fail while down is
// set, as a Redis that is unreachable.
type downStore struct {
	auth.Store
	down atomic.Bool
}

var errDown = fmt.Errorf("%w: redis unreachable", auth.ErrStore)

func (s *downStore) GetSession(ctx context.Context, u, id string, now time.Time) (auth.SessionRecord, bool, error) {
	if s.down.Load() {
		return auth.SessionRecord{}, false, errDown
	}
	return s.Store.GetSession(ctx, u, id, now)
}

func (s *downStore) Attempt(ctx context.Context, key, lockKey string, now time.Time, window time.Duration, max int, lockFor time.Duration) (auth.AttemptResult, error) {
	if s.down.Load() {
		return auth.AttemptResult{}, errDown
	}
	return s.Store.Attempt(ctx, key, lockKey, now, window, max, lockFor)
}

func (s *downStore) DeleteSessions(ctx context.Context, u string, ids ...string) (int, error) {
	if s.down.Load() {
		return 0, errDown
	}
	return s.Store.DeleteSessions(ctx, u, ids...)
}

// sessionEnv: the routes with a settable clock, a mutable user on a fake
// deployment, the passthrough exposing users:me.
type sessionEnv struct {
	t     *testing.T
	srv   *httptest.Server
	store *downStore
	mu    sync.Mutex
	now   time.Time
	user  map[string]any
}

func newSessionEnv(t *testing.T) *sessionEnv {
	t.Helper()
	env := &sessionEnv{t: t, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { env.mu.Lock(); defer env.mu.Unlock(); return env.now }
	hash, _ := bcrypt.GenerateFromPassword([]byte("right-password"), bcrypt.MinCost)
	env.user = map[string]any{"_id": "u_ann", "email": "ann@test.dev", "passwordHash": string(hash), "role": "member", "name": "Ann"}
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Ephemeral: true, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "test:key",
		VerifyToken: convextest.JWKSVerifier(tokens.JWKS(), "http://gw.test", "convex", clock)})
	dep.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Email string `json:"email"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		env.mu.Lock()
		defer env.mu.Unlock()
		if args.Email == env.user["email"] {
			return env.user, nil
		}
		return nil, nil
	}, convextest.Internal())
	dep.Query("users:me", func(_ context.Context, c *convextest.Call) (any, error) {
		if c.Identity == nil {
			return nil, nil
		}
		return c.Identity.Subject, nil
	})
	backend := convextest.NewServer(dep)
	t.Cleanup(backend.Close)
	client, err := convexclient.New(convexclient.Config{URL: backend.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	env.store = &downStore{Store: auth.NewMemoryStore(auth.MemoryStoreConfig{Now: clock})}
	guardLim, err := auth.NewLimiter(env.store, map[string]auth.Policy{PolicyLogin: {Rate: 100, Burst: 100},
		PolicyLoginAccount: {Rate: 100, Burst: 100}}, clock)
	if err != nil {
		t.Fatal(err)
	}
	guard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: guardLim,
		Lockout: auth.NewLockout(env.store, auth.LockoutConfig{Now: clock})})
	if err != nil {
		t.Fatal(err)
	}
	d := testDeps(t)
	d.Sessions, err = auth.NewSessions(auth.SessionConfig{
		Keys:   []auth.SessionKey{{ID: "k", Secret: []byte(strings.Repeat("k", 32))}},
		Issuer: "http://gw.test", Audience: "test", Store: env.store, Lifetime: time.Hour,
		UpdateAge: 10 * time.Minute, MaxAge: 24 * time.Hour, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	exposure, _ := NewExposure([]string{"users:me"}, nil)
	d.Convex, d.ConvexTokens, d.IdentityMode, d.Exposure, d.Now = client, tokens, IdentityJWT, exposure, clock
	d.Accounts = accounts.NewConvex(client, accounts.Functions{FindByEmail: "auth:getUserByEmail"}, nil)
	d.LoginGuard = guard
	env.srv = httptest.NewServer(NewAPI(d).Handler())
	t.Cleanup(env.srv.Close)
	return env
}

func (env *sessionEnv) advance(d time.Duration) {
	env.mu.Lock()
	env.now = env.now.Add(d)
	env.mu.Unlock()
}

// client is one browser: its cookies and CSRF token.
type client struct {
	env     *sessionEnv
	cookies []*http.Cookie
	csrf    string
	ua      string
}

func (c *client) do(method, path, body string, hdr map[string]string) (int, http.Header, string) {
	t := c.env.t
	t.Helper()
	req, _ := http.NewRequest(method, c.env.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	if c.csrf != "" {
		req.Header.Set(HeaderCSRF, c.csrf)
	}
	req.Header.Set("User-Agent", c.ua)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		c.setCookie(ck)
	}
	return res.StatusCode, res.Header, string(data)
}

func (c *client) setCookie(ck *http.Cookie) {
	for i, old := range c.cookies {
		if old.Name == ck.Name {
			c.cookies = append(c.cookies[:i], c.cookies[i+1:]...)
			break
		}
	}
	if ck.MaxAge >= 0 && ck.Value != "" {
		c.cookies = append(c.cookies, ck)
	}
}

func (env *sessionEnv) signIn(ua string) *client {
	c := &client{env: env, ua: ua}
	c.login()
	return c
}

func (c *client) login() {
	st, _, body := c.do(http.MethodPost, "/api/auth/login", `{"email":"ann@test.dev","password":"right-password"}`, nil)
	var r struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.Unmarshal([]byte(body), &r); st != 200 || err != nil {
		c.env.t.Fatalf("login: %d %s", st, body)
	}
	c.csrf = r.CSRFToken
}

type sessionList struct {
	Sessions []sessionView `json:"sessions"`
}

func TestSessionManagement(t *testing.T) {
	env := newSessionEnv(t)
	laptop, phone, tablet := env.signIn("laptop"), env.signIn("phone"), env.signIn("tablet")
	st, hdr, body := laptop.do(http.MethodGet, "/api/auth/sessions", "", nil)
	var list sessionList
	if err := json.Unmarshal([]byte(body), &list); st != 200 || err != nil || len(list.Sessions) != 3 || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("list: %d %s", st, body)
	}
	var phoneID string
	current := 0
	for _, s := range list.Sessions {
		if s.Current {
			current++
			if s.UserAgent != "laptop" {
				t.Errorf("current session is %q", s.UserAgent)
			}
		}
		if s.UserAgent == "phone" {
			phoneID = s.ID
		}
		if s.ClientIP == "" || s.CreatedAt.IsZero() || s.LastSeenAt.IsZero() {
			t.Errorf("incomplete %+v", s)
		}
	}
	if current != 1 || phoneID == "" {
		t.Fatalf("sessions %+v", list.Sessions)
	}
	// Revoke one: needs CSRF; the phone is signed out, the others are not.
	noCSRF := &client{env: env, cookies: laptop.cookies}
	if st, _, _ := noCSRF.do(http.MethodDelete, "/api/auth/sessions/"+phoneID, "", nil); st != 403 {
		t.Fatalf("revoke without CSRF: %d", st)
	}
	if st, _, body := laptop.do(http.MethodDelete, "/api/auth/sessions/"+phoneID, "", nil); st != 204 {
		t.Fatalf("revoke: %d %s", st, body)
	}
	if st, _, _ := phone.do(http.MethodGet, "/api/auth/session", "", nil); st != 401 {
		t.Fatalf("revoked phone: %d", st)
	}
	if st, _, _ := laptop.do(http.MethodDelete, "/api/auth/sessions/"+phoneID, "", nil); st != 404 {
		t.Fatalf("revoke twice: %d", st)
	}
	// Sign out everywhere else.
	if st, _, body := laptop.do(http.MethodPost, "/api/auth/sessions/revoke-others", "", nil); st != 200 || body != "{\"revoked\":1}\n" {
		t.Fatalf("revoke-others: %d %s", st, body)
	}
	if st, _, _ := tablet.do(http.MethodGet, "/api/auth/session", "", nil); st != 401 {
		t.Fatalf("tablet after revoke-others: %d", st)
	}
	if st, _, _ := laptop.do(http.MethodGet, "/api/auth/session", "", nil); st != 200 {
		t.Fatalf("laptop after revoke-others: %d", st)
	}
	// Signing in again rotates: the previous session of this browser ends.
	old := append([]*http.Cookie(nil), laptop.cookies...)
	laptop.login()
	stale := &client{env: env, cookies: old}
	if st, _, _ := stale.do(http.MethodGet, "/api/auth/session", "", nil); st != 401 {
		t.Fatalf("the session before re-login still works: %d", st)
	}
}

// TestTokensBoundToSession (issue 12, defect 5): a Convex token from
// /api/auth/token is refused by the passthrough once its session ends.
func TestTokensBoundToSession(t *testing.T) {
	env := newSessionEnv(t)
	a, b := env.signIn("a"), env.signIn("b")
	tokenOf := func(c *client) string {
		_, _, body := c.do(http.MethodGet, "/api/auth/token", "", nil)
		var r struct {
			Token string `json:"token"`
		}
		_ = json.Unmarshal([]byte(body), &r)
		return r.Token
	}
	ta, tb := tokenOf(a), tokenOf(b)
	if ta == "" || ta == tb {
		t.Fatal("sessions share a token")
	}
	query := func(tok string) (int, string) {
		c := &client{env: env}
		st, _, body := c.do(http.MethodPost, "/api/query", `{"path":"users:me","args":{}}`,
			map[string]string{"Authorization": "Bearer " + tok})
		return st, body
	}
	if st, body := query(ta); st != 200 || !strings.Contains(body, `"value":"u_ann"`) {
		t.Fatalf("token before logout: %d %s", st, body)
	}
	if st, _, _ := a.do(http.MethodPost, "/api/auth/logout", "", nil); st != 204 {
		t.Fatal("logout")
	}
	if st, body := query(ta); st != 401 || !strings.Contains(body, `"InvalidAuthHeader"`) {
		t.Fatalf("token after logout: %d %s", st, body)
	}
	if st, _ := query(tb); st != 200 {
		t.Fatalf("the other session's token: %d", st)
	}
}

// TestStoreDownIsNot401 (issue 12 defect 4, issue 16): when the state store
// cannot answer, signed-in requests get 503 state_unavailable (never 401),
// and logout clears the cookies even though the revocation failed.
func TestStoreDownIsNot401(t *testing.T) {
	env := newSessionEnv(t)
	c := env.signIn("x")
	env.store.down.Store(true)
	st, hdr, body := c.do(http.MethodGet, "/api/auth/session", "", nil)
	if st != 503 || !strings.Contains(body, `"state_unavailable"`) || hdr.Get("Retry-After") == "" {
		t.Fatalf("session with the store down: %d %v %s", st, hdr, body)
	}
	st, hdr, body = c.do(http.MethodPost, "/api/auth/logout", "", nil)
	if st != 503 || !strings.Contains(strings.Join(hdr.Values("Set-Cookie"), ";"), "Max-Age=0") {
		t.Fatalf("logout with the store down: %d %v %s", st, hdr, body)
	}
	if len(c.cookies) != 0 {
		t.Fatalf("cookies kept: %v", c.cookies)
	}
	// A login whose attempt cannot be counted is refused, never let through.
	st, _, body = c.do(http.MethodPost, "/api/auth/login", `{"email":"ann@test.dev","password":"right-password"}`, nil)
	if st != 503 || !strings.Contains(body, `"state_unavailable"`) {
		t.Fatalf("login with the store down: %d %s", st, body)
	}
}

// TestClaimsReadAgainOnSlide: a demoted or deactivated user's session
// changes or ends within one refresh interval.
func TestClaimsReadAgainOnSlide(t *testing.T) {
	env := newSessionEnv(t)
	c := env.signIn("x")
	env.mu.Lock()
	env.user["role"] = "admin"
	env.mu.Unlock()
	env.advance(11 * time.Minute)
	st, _, body := c.do(http.MethodGet, "/api/auth/session", "", nil)
	if st != 200 || !strings.Contains(body, `"role":"admin"`) {
		t.Fatalf("after a role change and a slide: %d %s", st, body)
	}
	other := env.signIn("y")
	env.mu.Lock()
	env.user["isActive"] = false
	env.mu.Unlock()
	env.advance(11 * time.Minute)
	if st, _, body := c.do(http.MethodGet, "/api/auth/session", "", nil); st != 401 {
		t.Fatalf("deactivated user after a slide: %d %s", st, body)
	}
	// Every session of the user ended, not just the one that slid.
	if st, _, body := other.do(http.MethodGet, "/api/auth/session", "", nil); st != 401 {
		t.Fatalf("the user's other session: %d %s", st, body)
	}
	_ = errors.New
}
