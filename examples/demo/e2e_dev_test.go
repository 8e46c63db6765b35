package gateway

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// TestE2EDevMode runs the gateway as `gateway -dev` does: the embedded dev
// backend on a loopback port, ephemeral keys, jwt identity.
func TestE2EDevMode(t *testing.T) {
	cfg := Defaults()
	cfg.Dev = true
	cfg.ListenAddr = "127.0.0.1:0"
	cfg.BcryptCost = 4 // below the seed's 10: cheap dummy hash, no re-hash (bcrypt is slow under -race)
	g := startGateway(t, cfg, Options{})
	if !strings.HasPrefix(g.ConvexURL(), "http://127.0.0.1:") {
		t.Fatalf("dev backend URL = %q", g.ConvexURL())
	}
	b := newBrowser(t, g)
	var failures [][]byte
	for _, a := range devbackend.DemoAccounts() {
		if a.Role == "manager" || a.Role == "member" && a.Active {
			continue // each cost-10 comparison takes seconds under -race
		}
		r := b.do(http.MethodPost, "/api/auth/login", `{"email":"`+a.Email+`","password":"`+a.Password+`"}`,
			map[string]string{"X-Request-Id": "dev-1"})
		if !a.Active {
			if r.status != http.StatusUnauthorized || r.errCode(t) != "invalid_credentials" {
				t.Errorf("%s: %d %s", a.Email, r.status, r.body)
			}
			failures = append(failures, r.body)
			continue
		}
		if r.status != 200 || r.json(t)["user"].(map[string]any)["role"] != a.Role {
			t.Errorf("%s: %d %s", a.Email, r.status, r.body)
		}
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Secure {
				t.Errorf("dev cookie %s is Secure (plain http)", c.Name)
			}
		}
	}
	r := b.do(http.MethodPost, "/api/auth/login", `{"email":"admin@demo.test","password":"nope"}`,
		map[string]string{"X-Request-Id": "dev-1"})
	if !bytes.Equal(r.body, failures[0]) {
		t.Errorf("wrong password %s differs from inactive %s", r.body, failures[0])
	}
	// The browser token (for the signed-in admin) is accepted by a JWKS
	// verifier like the dev deployment's.
	tok := b.do(http.MethodGet, "/api/auth/token", "", nil)
	jwks := b.do(http.MethodGet, "/.well-known/jwks.json", "", nil)
	id, err := convextest.JWKSVerifier(jwks.body, g.URL(), "convex", nil)(tok.json(t)["token"].(string))
	if err != nil || id.Email != "admin@demo.test" {
		t.Errorf("token identity %+v, %v", id, err)
	}
	if r := b.do(http.MethodGet, "/readyz", "", nil); r.status != 200 {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
}
