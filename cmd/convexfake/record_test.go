package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

const testKey = "test-admin-key"

// unverifiedToken accepts any Bearer JWT, like the Node runner does.
func unverifiedToken(tok string) (*convexclient.Identity, error) {
	sub, err := convextest.UnverifiedSubject(tok)
	if err != nil {
		return nil, err
	}
	return &convexclient.Identity{Subject: sub, Issuer: demoIssuer, TokenIdentifier: demoIssuer + "|" + sub}, nil
}

// devUpstream serves the dev backend like the Node runner: the Convex HTTP
// API plus POST /__reset (admin key).
func devUpstream(t *testing.T, opts devbackend.Options) string {
	t.Helper()
	b := devbackend.New(opts)
	d := b.Deployment(convextest.Options{AdminKey: testKey, VerifyToken: unverifiedToken})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /__reset", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Convex "+testKey {
			http.Error(w, `{"code":"BadDeployKey","message":"no"}`, http.StatusForbidden)
			return
		}
		b.Reset()
		_, _ = w.Write([]byte(`{}`))
	})
	mux.Handle("/", d)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRecordFromDevBackendReproducesCassettes records every scenario from
// the dev backend in the runner's id and clock style: the result must be
// the committed cassettes byte for byte (which were recorded from the
// TypeScript functions). No Node needed.
func TestRecordFromDevBackendReproducesCassettes(t *testing.T) {
	up := devUpstream(t, devbackend.Options{RunnerClock: true, IDs: devbackend.ConvexTestIDs})
	out := t.TempDir()
	err := record(context.Background(), recordConfig{
		upstream: up, deployKey: testKey, out: out, reset: true,
		normalize: convextest.NormalizeOff, log: zap.NewNop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	committed, _ := filepath.Glob(filepath.Join("..", "..", "examples", "demo", "testdata", "cassettes", "*.json"))
	if len(committed) != len(scenarios()) {
		t.Errorf("%d committed cassettes for %d scenarios", len(committed), len(scenarios()))
	}
	for _, sc := range scenarios() {
		want, err := os.ReadFile(filepath.Join("..", "..", "examples", "demo", "testdata", "cassettes", sc.name+".json"))
		if err != nil {
			t.Errorf("scenario %s has no committed cassette: %v", sc.name, err)
			continue
		}
		got, err := os.ReadFile(filepath.Join(out, sc.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("scenario %s: recording from the dev backend differs from examples/demo/testdata/cassettes/%s.json", sc.name, sc.name)
		}
	}
}

// steppingClock is a clock starting at a real time that moves one second
// per reading.
func steppingClock() func() time.Time {
	var mu sync.Mutex
	t := time.Now()
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

var realIDRe = regexp.MustCompile(`[0-9a-hjkmnp-tv-z]{31,37}`)

// TestRecordRealStyleUpstreamIsStable records from an upstream that behaves
// like a real deployment (random ids, wall-clock times, no /__reset): two
// recordings must give identical cassettes.
func TestRecordRealStyleUpstreamIsStable(t *testing.T) {
	var runs [2]map[string][]byte
	for i := range runs {
		up := devUpstream(t, devbackend.Options{Now: steppingClock(), NewID: randomID()})
		out := t.TempDir()
		err := record(context.Background(), recordConfig{
			upstream: up, deployKey: testKey, out: out, reset: false,
			normalize: convextest.NormalizeMap, log: zap.NewNop(),
			scenarios: "login,tasks,beneficiaries,users",
		})
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = map[string][]byte{}
		files, _ := filepath.Glob(filepath.Join(out, "*.json"))
		for _, f := range files {
			runs[i][filepath.Base(f)], _ = os.ReadFile(f)
		}
	}
	if len(runs[0]) != 4 {
		t.Fatalf("%d cassettes", len(runs[0]))
	}
	for name, a := range runs[0] {
		if !bytes.Equal(a, runs[1][name]) {
			t.Errorf("%s differs between recordings", name)
		}
		if m := realIDRe.Find(a); m != nil {
			t.Errorf("%s still holds an upstream id %s", name, m)
		}
		if !bytes.Contains(a, []byte("000000000000000000000000000001id")) {
			t.Errorf("%s has no id placeholders", name)
		}
	}
	if !bytes.Contains(runs[0]["beneficiaries.json"], []byte(`\"continueCursor\":\"cursor-000001\"`)) {
		t.Errorf("cursor not normalised")
	}
}

// randomID returns a NewID hook making random Convex-like ids.
func randomID() func(string) string {
	var mu sync.Mutex
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	return func(string) string {
		mu.Lock()
		defer mu.Unlock()
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		for i := range b {
			b[i] = alphabet[int(b[i])%len(alphabet)]
		}
		return string(b)
	}
}

func TestRecordFailsOnBrokenExpectation(t *testing.T) {
	// An upstream whose every answer is an error: the first scenario's
	// expectation fails and nothing is written.
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__reset" {
			return
		}
		fmt.Fprint(w, `{"status":"error","errorMessage":"[Request ID: x] Server Error\nUncaught Error: boom\n"}`)
	}))
	defer up.Close()
	out := t.TempDir()
	err := record(context.Background(), recordConfig{upstream: up.URL, deployKey: "k", out: out, reset: true, scenarios: "login", log: zap.NewNop()})
	if err == nil || !strings.Contains(err.Error(), "scenario login") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(out, "*")); len(files) != 0 {
		t.Errorf("wrote %v", files)
	}
}

func TestRecordResetFailure(t *testing.T) {
	up := httptest.NewServer(http.NotFoundHandler())
	defer up.Close()
	err := record(context.Background(), recordConfig{upstream: up.URL, deployKey: "k", out: t.TempDir(), reset: true, log: zap.NewNop()})
	if err == nil || !strings.Contains(err.Error(), "-no-reset") {
		t.Fatalf("err = %v", err)
	}
}

func TestDemoTokenClaims(t *testing.T) {
	tok := demoToken("u1")
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil || c["sub"] != "u1" || c["iss"] != demoIssuer || c["aud"] != "convex" {
		t.Errorf("claims %v, %v", c, err)
	}
	if demoToken("u1") != tok {
		t.Error("token not deterministic")
	}
}

// TestCommittedCassettes checks the committed files: canonical form (a
// load and re-encode gives the same bytes), no secrets, and every demo
// function answered successfully at least once.
func TestCommittedCassettes(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "demo", "testdata", "cassettes")
	cs, err := convextest.LoadCassettes(dir)
	if err != nil {
		t.Fatal(err)
	}
	succeeded := map[string]bool{}
	for _, c := range cs {
		raw, err := os.ReadFile(filepath.Join(dir, c.Scenario+".json"))
		if err != nil {
			t.Fatalf("cassette %s not in %s.json: %v", c.Scenario, c.Scenario, err)
		}
		again, err := c.Marshal()
		if err != nil || !bytes.Equal(raw, again) {
			t.Errorf("%s.json is not in canonical form (%v)", c.Scenario, err)
		}
		for _, secret := range []string{"runner-admin-key", testKey, proxyKey, "Convex recorder", "Bearer ey", "eyJ"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s.json contains %q", c.Scenario, secret)
			}
		}
		for _, it := range c.Interactions {
			if strings.HasPrefix(it.Response.Body, `{"status":"success"`) {
				succeeded[it.Request.Path] = true
			}
		}
	}
	for _, fn := range devbackend.New(devbackend.Options{}).Functions() {
		if !succeeded[fn] {
			t.Errorf("no cassette has a successful call of %s", fn)
		}
	}
}
