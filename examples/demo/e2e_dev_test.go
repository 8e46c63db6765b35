package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
	"github.com/convexgw/convexgw/gateway"
)

// devGateway runs the gateway as `gateway -dev` does: the demo app on its
// embedded dev backend (a loopback port), ephemeral keys, jwt identity.
// Edits, if any, change the configuration before the gateway starts.
func devGateway(t *testing.T, edits ...func(*gateway.Config)) *gateway.Gateway {
	t.Helper()
	cfg := gateway.Defaults()
	cfg.Dev = true
	cfg.ListenAddr, cfg.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.BcryptCost = 4 // below the seed's 10: cheap dummy hash, no re-hash (bcrypt is slow under -race)
	for _, edit := range edits {
		edit(&cfg)
	}
	g, err := gateway.New(cfg, gateway.Options{App: New(), DevBackend: DevBackend})
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

// httpResult is a response read whole.
type httpResult struct {
	status int
	header http.Header
	body   []byte
}

func (r httpResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// send makes one request with c (a client with a cookie jar).
func send(t *testing.T, c *http.Client, method, url, body string) httpResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return httpResult{status: res.StatusCode, header: res.Header, body: data}
}

// TestE2EDevMode: the demo in dev mode, over loopback HTTP.
func TestE2EDevMode(t *testing.T) {
	g := devGateway(t)
	if !strings.HasPrefix(g.ConvexURL(), "http://127.0.0.1:") {
		t.Fatalf("dev backend URL = %q", g.ConvexURL())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	var failures [][]byte
	for _, a := range devbackend.DemoAccounts() {
		if a.Role == "manager" || a.Role == "member" && a.Active {
			continue // each cost-10 comparison takes seconds under -race
		}
		r := send(t, c, http.MethodPost, g.URL()+"/api/auth/login", `{"email":"`+a.Email+`","password":"`+a.Password+`"}`)
		if !a.Active {
			if e, _ := r.json(t)["error"].(map[string]any); r.status != http.StatusUnauthorized || e["code"] != "invalid_credentials" {
				t.Errorf("%s: %d %s", a.Email, r.status, r.body)
			}
			failures = append(failures, r.body)
			continue
		}
		if r.status != 200 || r.json(t)["user"].(map[string]any)["role"] != a.Role {
			t.Errorf("%s: %d %s", a.Email, r.status, r.body)
		}
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			if ck.Secure {
				t.Errorf("dev cookie %s is Secure (plain http)", ck.Name)
			}
		}
	}
	r := send(t, c, http.MethodPost, g.URL()+"/api/auth/login", `{"email":"admin@demo.test","password":"nope"}`)
	// Equal but for the request id.
	strip := func(b []byte) string { return string(b[:bytes.Index(b, []byte(`"requestId"`))]) }
	if strip(r.body) != strip(failures[0]) {
		t.Errorf("wrong password %s differs from inactive %s", r.body, failures[0])
	}
	// The demo's routes are served, and its passthrough exposure.
	if r := send(t, c, http.MethodGet, g.URL()+"/api/tasks", ""); r.status != 200 {
		t.Errorf("tasks: %d %s", r.status, r.body)
	}
	// The browser token (for the signed-in admin) is accepted by a JWKS
	// verifier like the dev deployment's.
	tok := send(t, c, http.MethodGet, g.URL()+"/api/auth/token", "")
	jwks := send(t, c, http.MethodGet, g.URL()+"/.well-known/jwks.json", "")
	id, err := convextest.JWKSVerifier(jwks.body, g.URL(), "convex", nil)(tok.json(t)["token"].(string))
	if err != nil || id.Email != "admin@demo.test" {
		t.Errorf("token identity %+v, %v", id, err)
	}
	if r := send(t, c, http.MethodGet, g.AdminURL()+"/readyz", ""); r.status != 200 {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
}
