package gateway

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

func TestE2EBackendNotConfigured(t *testing.T) {
	cfg := testConfig("")
	g := startGateway(t, cfg, Options{})
	b := newBrowser(t, g)
	if r := b.do(http.MethodGet, "/healthz", "", nil); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
	r := b.login("admin@test.dev", "right-pass")
	if r.status != http.StatusServiceUnavailable || r.errCode(t) != "backend_not_configured" || !strings.Contains(string(r.body), "CONVEX_URL") {
		t.Errorf("login: %d %s", r.status, r.body)
	}
	r = newAdmin(t, g).do(http.MethodGet, "/readyz", "", nil)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "CONVEX_URL is not set") {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
}

func TestE2EBreakerOpensAndRecovers(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.BreakerMinRequests, cfg.BreakerOpenTimeout = 2, 300*time.Millisecond
	g := startGateway(t, cfg, Options{Retry: convexclient.RetryPolicy{MaxAttempts: 1}})
	b := newBrowser(t, g)
	fb.Inject("auth:getUserByEmail", convextest.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	for i := range 2 {
		r := b.login("admin@test.dev", "right-pass")
		if r.status < 500 {
			t.Fatalf("outage %d: %d %s", i, r.status, r.body)
		}
	}
	before := len(callsTo(fb.Deployment, "auth:getUserByEmail"))
	r := b.login("admin@test.dev", "right-pass")
	if r.status != http.StatusServiceUnavailable || r.errCode(t) != "backend_unavailable" || r.header.Get("Retry-After") == "" {
		t.Errorf("open breaker: %d %s %v", r.status, r.body, r.header)
	}
	if after := len(callsTo(fb.Deployment, "auth:getUserByEmail")); after != before {
		t.Errorf("open breaker let %d calls through", after-before)
	}
	if r := newAdmin(t, g).do(http.MethodGet, "/readyz", "", nil); !strings.Contains(string(r.body), "query breaker open") ||
		!strings.Contains(string(r.body), "mutation breaker closed (0/32 in flight)") {
		t.Errorf("readyz: %s", r.body)
	}
	// Recovery: the breaker half-opens after its timeout and the next call closes it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := b.login("admin@test.dev", "right-pass")
		if r.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery: %d %s", r.status, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := newAdmin(t, g).do(http.MethodGet, "/metrics", "", nil)
	for _, want := range []string{
		`convexgw_convex_breaker_transitions_total{breaker="query",to="open"} 1`,
		`convexgw_convex_breaker_state{breaker="query"} 0`,
		`convexgw_convex_calls_total{function="auth:getUserByEmail",kind="query",outcome="unavailable"}`,
	} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestE2ESecondaryMutationRetried(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	fb.Inject("auth:updateLastLogin", convextest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	b := newBrowser(t, g)
	if r := b.login("admin@test.dev", "right-pass"); r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	sec := g.Secondary()
	if err := g.Shutdown(t.Context()); err != nil { // drains the runner
		t.Fatal(err)
	}
	calls := callsTo(fb.Deployment, "auth:updateLastLogin")
	if len(calls) != 2 || calls[0].Status != 503 || calls[1].Status != 200 {
		t.Errorf("calls = %+v", calls)
	}
	fb.mu.Lock()
	n := fb.lastLogin["u_admin"]
	fb.mu.Unlock()
	if st := sec.Stats(); n != 1 || st.Retried != 1 || st.Done != 1 || st.Failed != 0 {
		t.Errorf("lastLogin %d, stats %+v", n, st)
	}
}

func TestE2ERehashLowCostPassword(t *testing.T) {
	fb := newFakeBackend(t, testUser{ID: "u1", Email: "old@test.dev", Name: "Old", Role: "member", Active: true,
		Password: "old-pass", Cost: 4})
	cfg := testConfig(fb.URL)
	cfg.BcryptCost = 5
	g := startGateway(t, cfg, Options{})
	if r := newBrowser(t, g).login("old@test.dev", "old-pass"); r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	var h string
	waitFor(t, "the re-hash", func() bool { // hashed after the response, then enqueued
		fb.mu.Lock()
		defer fb.mu.Unlock()
		h = fb.rehashed["u1"]
		return h != ""
	})
	if !strings.HasPrefix(h, "$2a$05$") {
		t.Errorf("re-hash = %q, want a cost-5 hash", h)
	}
}

func TestE2EConvexTokenVerifiedByServedJWKS(t *testing.T) {
	key, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	pemData, err := key.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(keyFile, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.IdentityMode, cfg.SigningKeyFile = IdentityJWT, keyFile
	g := startGateway(t, cfg, Options{})
	b := newBrowser(t, g)
	b.login("admin@test.dev", "right-pass")
	tok := b.do(http.MethodGet, "/api/auth/token", "", nil)
	token, _ := tok.json(t)["token"].(string)
	if tok.status != 200 || token == "" {
		t.Fatalf("token: %d %s", tok.status, tok.body)
	}
	// Twice in a row: the cached token is reused.
	if again := b.do(http.MethodGet, "/api/auth/token", "", nil); again.json(t)["token"] != token {
		t.Error("token not cached")
	}
	jwks := b.do(http.MethodGet, "/.well-known/jwks.json", "", nil)
	disc := b.do(http.MethodGet, "/.well-known/openid-configuration", "", nil)
	if jwks.status != 200 || disc.status != 200 || !strings.Contains(string(disc.body), "/.well-known/jwks.json") {
		t.Fatalf("jwks %d discovery %d %s", jwks.status, disc.status, disc.body)
	}
	verify := convextest.JWKSVerifier(jwks.body, cfg.PublicURL, "convex", nil)
	id, err := verify(token)
	if err != nil {
		t.Fatalf("served JWKS does not verify the token: %v", err)
	}
	if id.Subject != "u_admin" || id.Email != "admin@test.dev" || id.TokenIdentifier != cfg.PublicURL+"|u_admin" {
		t.Errorf("identity = %+v", id)
	}
	other, _ := auth.GenerateSigningKey(auth.AlgES256)
	if _, err := convextest.JWKSVerifier([]byte(`{"keys":[`+string(other.JWK())+`]}`), cfg.PublicURL, "convex", nil)(token); err == nil {
		t.Error("token verified by an unrelated key")
	}
	// Unauthenticated callers get no token.
	if r := newBrowser(t, g).do(http.MethodGet, "/api/auth/token", "", nil); r.status != 401 {
		t.Errorf("anonymous token: %d", r.status)
	}
}

func TestE2EBindErrorIsImmediate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig("")
	cfg.ListenAddr = ln.Addr().String()
	g, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("Run = %v, want a listen error", err)
	}
}

func TestE2EGracefulShutdownFinishesInFlight(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	g := startGateway(t, testConfig(fb.URL), Options{})
	fb.Inject("auth:getUserByEmail", convextest.Fault{Latency: 300 * time.Millisecond, Times: 1})
	b := newBrowser(t, g)
	var status atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		status.Store(int32(b.login("admin@test.dev", "right-pass").status))
	}()
	for fb.InFlight() == 0 { // wait until the request is inside the backend call
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := g.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	if status.Load() != 200 {
		t.Errorf("in-flight login = %d", status.Load())
	}
	if _, err := http.Get(g.URL() + "/healthz"); err == nil {
		t.Error("still serving after Shutdown")
	}
}
