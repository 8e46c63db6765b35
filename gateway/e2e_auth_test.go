package gateway

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

func TestE2ELoginSuccess(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	b := newBrowser(t, g)

	r := b.do(http.MethodPost, "/api/auth/login", `{"email":"  ADMIN@test.dev ","password":"right-pass"}`,
		map[string]string{"X-Request-Id": "rid-login-1"})
	if r.status != http.StatusOK {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	body := r.json(t)
	user := body["user"].(map[string]any)
	if user["id"] != "u_admin" || user["email"] != "admin@test.dev" || user["role"] != "admin" || len(user) != 4 {
		t.Errorf("user = %v", user)
	}
	if bytes.Contains(r.body, []byte("passwordHash")) || bytes.Contains(r.body, []byte("$2a$")) {
		t.Errorf("hash leaked: %s", r.body)
	}
	if body["csrfToken"] == "" || body["expiresAt"] == nil {
		t.Errorf("body = %s", r.body)
	}
	var session, csrf *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		switch {
		case strings.Contains(c.Name, "csrf"):
			csrf = c
		default:
			session = c
		}
	}
	if session == nil || !session.HttpOnly || csrf == nil || csrf.HttpOnly || csrf.Value != body["csrfToken"] {
		t.Errorf("cookies: session %v csrf %v", session, csrf)
	}
	// The internal lookup ran with the deploy key and the request id.
	calls := callsTo(fb.Deployment, "auth:getUserByEmail")
	if len(calls) != 1 || calls[0].Auth != convextest.AuthAdmin || calls[0].RequestID != "rid-login-1" {
		t.Errorf("lookup calls = %+v", calls)
	}
	// The session works.
	s := b.do(http.MethodGet, "/api/auth/session", "", nil)
	if s.status != 200 || s.json(t)["user"].(map[string]any)["id"] != "u_admin" {
		t.Errorf("session: %d %s", s.status, s.body)
	}
	// Shutdown drains the secondary last-login update.
	if err := g.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	fb.mu.Lock()
	defer fb.mu.Unlock()
	if fb.lastLogin["u_admin"] != 1 {
		t.Errorf("last login updates = %d", fb.lastLogin["u_admin"])
	}
}

func TestE2ELoginFailuresLookTheSame(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	b := newBrowser(t, g)
	attempts := map[string][2]string{
		"wrong password": {"admin@test.dev", "wrong-pass"},
		"unknown user":   {"nobody@test.dev", "right-pass"},
		"inactive user":  {"gone@test.dev", "gone-pass"},
	}
	var first *resp
	for name, a := range attempts {
		r := b.do(http.MethodPost, "/api/auth/login", `{"email":"`+a[0]+`","password":"`+a[1]+`"}`,
			map[string]string{"X-Request-Id": "same-id"})
		if r.status != http.StatusUnauthorized || r.errCode(t) != "invalid_credentials" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
		if first == nil {
			first = &r
		} else if !bytes.Equal(first.body, r.body) {
			t.Errorf("%s: body %s differs from %s", name, r.body, first.body)
		}
		if len(r.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: cookies set on failure", name)
		}
	}
	for _, bad := range []string{`{"email":"x"}`, `not json`, `{"email":"a@b.c","password":"p","extra":1}`} {
		r := b.do(http.MethodPost, "/api/auth/login", bad, nil)
		if r.status != http.StatusBadRequest || r.errCode(t) != "invalid_request" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}

func TestE2ELockout(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.LockoutMax = 3
	g := startGateway(t, cfg, Options{Now: newClock().Now})
	b := newBrowser(t, g)
	for i := range 3 {
		if r := b.login("admin@test.dev", "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i, r.status, r.body)
		}
	}
	r := b.login("admin@test.dev", "right-pass") // locked: even the right password
	if r.status != http.StatusTooManyRequests || r.errCode(t) != "account_locked" || r.header.Get("Retry-After") == "" {
		t.Errorf("locked login: %d %s %v", r.status, r.body, r.header)
	}
}

func TestE2ELoginRateLimitPerIP(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.LoginBurst, cfg.LoginRate = 2, 0.01
	g := startGateway(t, cfg, Options{Now: newClock().Now})
	b := newBrowser(t, g)
	b.login("nobody@test.dev", "x")
	b.login("nobody2@test.dev", "x")
	r := b.login("admin@test.dev", "right-pass")
	if r.status != http.StatusTooManyRequests || r.errCode(t) != "rate_limited" || r.header.Get("Retry-After") == "" {
		t.Errorf("3rd login: %d %s", r.status, r.body)
	}
}

func TestE2ECSRFAndLogout(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	b := newBrowser(t, g)
	if r := b.login("admin@test.dev", "right-pass"); r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	oldCookies := b.c.Jar.Cookies(mustURL(t, g.URL()))

	for name, hdr := range map[string]map[string]string{
		"no token":     nil,
		"wrong token":  {"X-CSRF-Token": "AAAA" + b.csrf[4:]},
		"cross origin": {"X-CSRF-Token": b.csrf, "Origin": "https://evil.example"},
		"cross site":   {"X-CSRF-Token": b.csrf, "Sec-Fetch-Site": "cross-site"},
	} {
		r := b.do(http.MethodPost, "/api/auth/logout", "", hdr)
		if r.status != http.StatusForbidden || r.errCode(t) != "csrf_failed" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	r := b.do(http.MethodPost, "/api/auth/logout", "", map[string]string{"X-CSRF-Token": b.csrf, "Origin": "http://localhost:8080"})
	if r.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.status, r.body)
	}
	if r := b.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("after logout (cookies cleared): %d", r.status)
	}
	// Replaying the old cookie is refused: the session is revoked.
	replay := newBrowser(t, g)
	replay.c.Jar.SetCookies(mustURL(t, g.URL()), oldCookies)
	if r := replay.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusUnauthorized || r.errCode(t) != "unauthenticated" {
		t.Errorf("old cookie: %d %s", r.status, r.body)
	}
}

func TestE2ESessionRefresh(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	clk := newClock()
	cfg := testConfig(fb.URL)
	cfg.SessionTTL, cfg.SessionRefreshAfter = time.Hour, 10*time.Minute
	g := startGateway(t, cfg, Options{Now: clk.Now})
	b := newBrowser(t, g)
	r := b.login("admin@test.dev", "right-pass")
	if r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	exp1 := r.json(t)["expiresAt"].(string)

	clk.Advance(5 * time.Minute) // young session: no new cookie
	s := b.do(http.MethodGet, "/api/auth/session", "", nil)
	if s.status != 200 || len(s.header.Values("Set-Cookie")) != 0 || s.json(t)["expiresAt"] != exp1 {
		t.Errorf("young session: %d %v %s", s.status, s.header.Values("Set-Cookie"), s.body)
	}
	clk.Advance(20 * time.Minute) // past the refresh age: slid
	s = b.do(http.MethodGet, "/api/auth/session", "", nil)
	exp2, _ := s.json(t)["expiresAt"].(string)
	if s.status != 200 || len(s.header.Values("Set-Cookie")) == 0 || exp2 <= exp1 {
		t.Errorf("refresh: %d cookies %v expiry %s -> %s", s.status, s.header.Values("Set-Cookie"), exp1, exp2)
	}
	clk.Advance(50 * time.Minute) // beyond the first token's expiry, within the refreshed one
	if s := b.do(http.MethodGet, "/api/auth/session", "", nil); s.status != 200 {
		t.Errorf("refreshed session refused: %d %s", s.status, s.body)
	}
	// The CSRF token stays valid across refreshes (bound to the session id).
	if r := b.do(http.MethodPost, "/api/auth/logout", "", map[string]string{"X-CSRF-Token": b.csrf}); r.status != 204 {
		t.Errorf("logout after refresh: %d %s", r.status, r.body)
	}
}

func TestE2EProtectedPrefixRedirect(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	b := newBrowser(t, g)
	r := b.do(http.MethodGet, "/dashboard/tasks?tab=open", "", nil)
	if r.status != http.StatusFound || r.header.Get("Location") != "/sign-in?redirect=%2Fdashboard%2Ftasks%3Ftab%3Dopen" {
		t.Errorf("redirect: %d %q", r.status, r.header.Get("Location"))
	}
	if r := b.do(http.MethodGet, "/api/auth/session", "", nil); r.status != 401 || r.errCode(t) != "unauthenticated" {
		t.Errorf("protected API: %d %s", r.status, r.body)
	}
	b.login("admin@test.dev", "right-pass")
	if r := b.do(http.MethodGet, "/dashboard/tasks", "", nil); r.status == http.StatusFound {
		t.Errorf("signed-in page still redirected")
	}
}

func TestE2EBodyTooLarge(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.BodyLimitBytes = 2048
	g := startGateway(t, cfg, Options{})
	b := newBrowser(t, g)
	r := b.do(http.MethodPost, "/api/auth/login", `{"email":"a@b.c","password":"`+strings.Repeat("x", 5000)+`"}`, nil)
	if r.status != http.StatusRequestEntityTooLarge || r.errCode(t) != "body_too_large" {
		t.Errorf("%d %s", r.status, r.body)
	}
}
