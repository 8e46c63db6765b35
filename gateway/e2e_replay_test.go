package gateway

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

// TestE2ERecordedBackend runs the login flow against the recorded fake: the
// cassettes of examples/demo/testdata/cassettes, recorded from the real Convex functions.
func TestE2ERecordedBackend(t *testing.T) {
	c, err := convextest.LoadCassette("../examples/demo/testdata/cassettes/login.json")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var misses []string
	rp := convextest.NewReplayer(convextest.ReplayOptions{AdminKey: testDeployKey, OnMiss: func(m convextest.Miss) {
		mu.Lock()
		misses = append(misses, m.String())
		mu.Unlock()
	}}, c)
	srv := httptest.NewServer(rp)
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.SecondaryMaxAge = time.Nanosecond // updateLastLogin is not in this cassette: dead-letter at once
	g := startGateway(t, cfg, Options{})
	b := newBrowser(t, g)

	r := b.login("admin@demo.test", "demo-admin-pass")
	if r.status != 200 || r.json(t)["user"].(map[string]any)["name"] != "Ada Admin" {
		t.Fatalf("admin: %d %s", r.status, r.body)
	}
	var bodies [][]byte
	for _, email := range []string{"member@demo.test", "inactive@demo.test", "nobody@demo.test"} {
		pw := "wrong-password"
		if email == "inactive@demo.test" {
			pw = "demo-inactive-pass" // right password, inactive account
		}
		r := b.do(http.MethodPost, "/api/auth/login", `{"email":"`+email+`","password":"`+pw+`"}`,
			map[string]string{"X-Request-Id": "replay"})
		if r.status != http.StatusUnauthorized || r.errCode(t) != "invalid_credentials" {
			t.Errorf("%s: %d %s", email, r.status, r.body)
		}
		bodies = append(bodies, r.body)
	}
	if !bytes.Equal(bodies[0], bodies[1]) || !bytes.Equal(bodies[1], bodies[2]) {
		t.Errorf("failure bodies differ: %s", bytes.Join(bodies, []byte(" | ")))
	}
	if err := g.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, m := range misses {
		if !bytes.Contains([]byte(m), []byte("auth:updateLastLogin")) {
			t.Errorf("unrecorded request: %s", m)
		}
	}
}
