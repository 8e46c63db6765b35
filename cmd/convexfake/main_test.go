package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		check   func(options) bool
	}{
		{"dev", []string{"-dev"}, "", func(o options) bool { return o.dev && o.addr == "127.0.0.1:3210" }},
		{"cassettes", []string{"-cassettes", "d", "-addr", "127.0.0.1:0", "-repeat"}, "", func(o options) bool { return o.cassettes == "d" && o.repeat }},
		{"record runner", []string{"-record", "-upstream", "http://127.0.0.1:1"}, "", func(o options) bool {
			return o.out == "examples/demo/testdata/cassettes" && o.normalizeMode() == convextest.NormalizeOff
		}},
		{"record real", []string{"-record", "-upstream", "https://x.convex.cloud", "-no-reset"}, "", func(o options) bool {
			return o.normalizeMode() == convextest.NormalizeMap
		}},
		{"record forced map", []string{"-record", "-upstream", "u", "-normalize", "map"}, "", func(o options) bool {
			return o.normalizeMode() == convextest.NormalizeMap
		}},
		{"no mode", nil, "exactly one", nil},
		{"two modes", []string{"-dev", "-list"}, "exactly one", nil},
		{"record without upstream", []string{"-record"}, "-upstream", nil},
		{"bad normalize", []string{"-record", "-upstream", "u", "-normalize", "x"}, "-normalize", nil},
		{"stray args", []string{"-dev", "extra"}, "unexpected", nil},
		{"unknown flag", []string{"-nope"}, "not defined", nil},
		{"proxy without record", []string{"-dev", "-proxy"}, "-proxy only", nil},
		// The proxy answers anyone with the real deploy key: loopback only.
		{"proxy on all interfaces", []string{"-record", "-proxy", "-upstream", "u", "-addr", ":3210"}, "loopback", nil},
		{"proxy on a public address", []string{"-record", "-proxy", "-upstream", "u", "-addr", "10.1.2.3:3210"}, "loopback", nil},
		{"proxy on localhost", []string{"-record", "-proxy", "-upstream", "u", "-addr", "localhost:0"}, "", func(o options) bool { return o.proxy }},
		{"dev trusting a JWKS URL", []string{"-dev", "-jwks-url", "http://127.0.0.1:8080/.well-known/jwks.json", "-issuer", "http://127.0.0.1:8080"}, "", func(o options) bool {
			return o.jwksURL != "" && o.issuer == "http://127.0.0.1:8080" && o.applicationID == "convex" && o.verifier() != nil
		}},
		{"dev without JWKS", []string{"-dev"}, "", func(o options) bool { return o.verifier() == nil }},
		{"jwks-url without issuer", []string{"-dev", "-jwks-url", "http://x/jwks.json"}, "go together", nil},
		{"issuer without jwks-url", []string{"-dev", "-issuer", "http://x"}, "go together", nil},
		{"jwks-url without dev", []string{"-cassettes", "d", "-jwks-url", "http://x/jwks.json", "-issuer", "http://x"}, "only goes with -dev", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !tc.check(o) {
				t.Fatalf("%+v, %v", o, err)
			}
		})
	}
}

func TestRunList(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-list"}, &out, io.Discard, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	for _, name := range scenarioNames() {
		if !strings.Contains(out.String(), name) {
			t.Errorf("-list lacks %s", name)
		}
	}
}

func TestSelectScenarios(t *testing.T) {
	if all, _ := selectScenarios(""); len(all) != len(scenarios()) {
		t.Error("empty selection is not all")
	}
	got, err := selectScenarios("tasks, login")
	if err != nil || len(got) != 2 || got[0].name != "tasks" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := selectScenarios("nope"); err == nil || !strings.Contains(err.Error(), "have:") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunRecordRealNeedsDeployKey(t *testing.T) {
	err := run(context.Background(), []string{"-record", "-upstream", "http://127.0.0.1:1", "-no-reset"}, io.Discard, io.Discard, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "CONVEX_DEPLOY_KEY") {
		t.Fatalf("err = %v", err)
	}
}

// startRun runs convexfake with args until the test ends and returns the
// URL it prints.
func startRun(t *testing.T, args []string, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, io.Discard, func(k string) string { return env[k] })
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("run did not stop")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "http://") {
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			return line
		}
	}
	t.Fatalf("no URL printed: %v", <-done)
	return ""
}

func postJSON(t *testing.T, url, body, authz string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesCassettes(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "demo", "testdata", "cassettes")
	url := startRun(t, []string{"-cassettes", dir, "-addr", "127.0.0.1:0"}, nil)
	status, body := postJSON(t, url+"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"nobody@demo.test"}}`, "Convex whatever")
	if status != 200 || body != `{"status":"success","value":null}` {
		t.Fatalf("%d %s", status, body)
	}
	status, body = postJSON(t, url+"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"someone@else.test"}}`, "Convex whatever")
	if status != 404 || !strings.Contains(body, "UnrecordedRequest") || !strings.Contains(body, "nearest recording") {
		t.Fatalf("%d %s", status, body)
	}
}

func TestRunServesDev(t *testing.T) {
	url := startRun(t, []string{"-dev", "-addr", "127.0.0.1:0"}, map[string]string{"CONVEX_DEPLOY_KEY": "dev-key"})
	status, body := postJSON(t, url+"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"},"format":"convex_encoded_json"}`, "Convex dev-key")
	if status != 200 || !strings.Contains(body, `"email":"member@demo.test"`) {
		t.Fatalf("%d %s", status, body)
	}
	status, _ = postJSON(t, url+"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"}}`, "Convex wrong-key")
	if status != 401 {
		t.Fatalf("wrong key: %d", status)
	}
}

func TestRunBadCassetteDir(t *testing.T) {
	err := run(context.Background(), []string{"-cassettes", t.TempDir(), "-addr", "127.0.0.1:0"}, io.Discard, io.Discard, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "no cassettes") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunRecordProxy(t *testing.T) {
	up := devUpstream(t, devbackend.Options{RunnerClock: true, IDs: devbackend.ConvexTestIDs})
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	env := map[string]string{"CONVEX_RUNNER_ADMIN_KEY": testKey}
	go func() {
		done <- run(ctx, []string{"-record", "-proxy", "-upstream", up, "-scenario", "manual", "-addr", "127.0.0.1:0", "-out", out},
			pw, io.Discard, func(k string) string { return env[k] })
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no URL: %v / %v", err, <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url := strings.TrimSpace(line)
	status, body := postJSON(t, url+"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"}}`, "Convex any-key-the-proxy-replaces")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if status != 200 || !strings.Contains(body, `"email":"member@demo.test"`) {
		t.Fatalf("%d %s", status, body)
	}
	c, err := convextest.LoadCassette(filepath.Join(out, "manual.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Interactions) != 1 || c.Interactions[0].Response.Body != body || c.Interactions[0].Request.Auth != convextest.AuthAdmin {
		t.Fatalf("cassette %+v", c)
	}
}

// TestRunDevTrustsJWKSURL: with -jwks-url and -issuer the dev backend
// verifies Bearer tokens against keys fetched over HTTP, as Convex would
// against a locally run gateway.
func TestRunDevTrustsJWKSURL(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := key.PublicKey.Bytes()
	b64 := base64.RawURLEncoding.EncodeToString
	jwks := `{"keys":[{"kty":"EC","kid":"k1","alg":"ES256","crv":"P-256","x":"` + b64(pt[1:33]) + `","y":"` + b64(pt[33:]) + `"}]}`
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		io.WriteString(w, jwks)
	}))
	defer gw.Close()
	url := startRun(t, []string{"-dev", "-addr", "127.0.0.1:0", "-jwks-url", gw.URL + "/.well-known/jwks.json", "-issuer", gw.URL},
		map[string]string{"CONVEX_DEPLOY_KEY": "dev-key"})
	sign := func(kid string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": gw.URL, "sub": "u1", "aud": "convex", "exp": time.Now().Add(time.Minute).Unix()})
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	body := `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"}}`
	// The token is accepted (the function then runs: HTTP 200, whatever it answers).
	if status, resp := postJSON(t, url+"/api/query", body, "Bearer "+sign("k1")); status != 200 {
		t.Errorf("gateway token: %d %s", status, resp)
	}
	status, resp := postJSON(t, url+"/api/query", body, "Bearer "+sign("k2"))
	if status != 401 || !strings.Contains(resp, "The JWT's 'kid' (key ID) header is 'k2'") {
		t.Errorf("unknown key: %d %s", status, resp)
	}
}
