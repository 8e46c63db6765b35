package gateway

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesWithoutIO(t *testing.T) {
	cfg := Defaults()
	cfg.SigningKeyFile = "/does/not/exist.pem" // not read by New
	cfg.SessionSecret = Secret(testSessionSecret)
	cfg.CSRFSecret = Secret(testCSRFSecret)
	if _, err := New(cfg, Options{}); err != nil {
		t.Fatalf("New read or rejected the key file: %v", err)
	}
	bad := Defaults()
	bad.IdentityMode = "x"
	_, err := New(bad, Options{})
	if err == nil || !strings.Contains(err.Error(), "IDENTITY_MODE") || !strings.Contains(err.Error(), "SESSION_SECRET") {
		t.Errorf("New = %v, want every problem", err)
	}
	// The missing key file surfaces at Start, naming the setting.
	cfg.ListenAddr, cfg.AdminAddr = "127.0.0.1:0", "127.0.0.1:0"
	g, _ := New(cfg, Options{})
	if err := g.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "SIGNING_KEY_FILE") {
		t.Errorf("Start = %v", err)
	}
}

func TestDevConfig(t *testing.T) {
	cfg := Defaults()
	cfg.Dev = true
	g, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g.cfg.ListenAddr != "127.0.0.1:8080" || g.cfg.SecureCookies || len(g.cfg.SessionSecret) < 32 || len(g.cfg.CSRFSecret) < 32 {
		t.Errorf("dev config = %+v", g.cfg)
	}
}

func TestRunStopsOnContextCancel(t *testing.T) {
	cfg := testConfig("")
	g, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan string, 1)
	g.OnStart(func(url string) { started <- url })
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	url := <-started
	res, err := http.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
