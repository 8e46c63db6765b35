package gatewaycmd

import (
	"bytes"
	"context"
	"flag"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/gateway"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfigPrecedence(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg, cf, err := loadConfig(
		[]string{"-listen", "127.0.0.1:9999", "-check-config", "-lockout-max-failures", "9"},
		env(map[string]string{
			"LISTEN_ADDR": "127.0.0.1:1111", "CONVEX_URL": "https://a-b-1.convex.cloud",
			"ALLOWED_ORIGINS": "https://a.example, https://b.example", "SESSION_TTL": "2h",
			"SECURE_COOKIES": "false", "LOGIN_RATE": "2.5", "BODY_LIMIT": "4096", "CONVEX_DEPLOY_KEY": "prod:k",
			"FORGOT_PASSWORD_LIMIT_EMAIL": "5/30m", "SIGNUP_ENABLED": "true",
		}), fs)
	if err != nil {
		t.Fatal(err)
	}
	want := gateway.Defaults()
	if cfg.ListenAddr != "127.0.0.1:9999" { // flag beats env
		t.Errorf("ListenAddr = %q", cfg.ListenAddr)
	}
	if cfg.ConvexURL != "https://a-b-1.convex.cloud" || cfg.SessionTTL != 2*time.Hour || cfg.SecureCookies ||
		cfg.LoginRate != 2.5 || cfg.BodyLimitBytes != 4096 || cfg.LockoutMax != 9 || cfg.ConvexDeployKey.Reveal() != "prod:k" {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg.ForgotPasswordLimitEmail != (gateway.RateLimit{N: 5, Per: 30 * time.Minute}) || !cfg.SignUpEnabled {
		t.Errorf("flow settings: %v %v", cfg.ForgotPasswordLimitEmail, cfg.SignUpEnabled)
	}
	if len(cfg.AllowedOrigins) != 2 || cfg.AllowedOrigins[1] != "https://b.example" {
		t.Errorf("AllowedOrigins = %q", cfg.AllowedOrigins)
	}
	if cfg.WriteTimeout != want.WriteTimeout || cfg.BcryptCost != want.BcryptCost { // untouched: defaults
		t.Errorf("defaults lost: %+v", cfg)
	}
	if !cf.checkConfig || cf.healthcheck {
		t.Errorf("cmd flags = %+v", cf)
	}
}

func TestLoadConfigReportsEveryBadValue(t *testing.T) {
	_, _, err := loadConfig(nil, env(map[string]string{
		"SESSION_TTL": "forever", "BCRYPT_COST": "high", "DEV": "maybe", "LOGIN_RATE": "x", "SIGNUP_LIMIT_IP": "lots",
	}), flag.NewFlagSet("t", flag.ContinueOnError))
	for _, name := range []string{"SESSION_TTL", "BCRYPT_COST", "DEV", "LOGIN_RATE", "SIGNUP_LIMIT_IP"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

func TestSettingsTableIsComplete(t *testing.T) {
	var c gateway.Config
	seenEnv, seenFlag := map[string]bool{}, map[string]bool{}
	for _, s := range settings(&c) {
		if seenEnv[s.env] || seenFlag[s.flag] {
			t.Errorf("duplicate %s / %s", s.env, s.flag)
		}
		seenEnv[s.env], seenFlag[s.flag] = true, true
	}
	if len(seenEnv) < 45 {
		t.Errorf("only %d settings", len(seenEnv))
	}
}

// signingKeyFile writes an ES256 private key and returns its path.
func signingKeyFile(t *testing.T) string {
	t.Helper()
	k, err := auth.GenerateSigningKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	pem, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckConfig(t *testing.T) {
	good := map[string]string{
		"CONVEX_DEPLOY_KEY": "prod:super-secret", "SESSION_SECRET": "9f4a1c2e7b8d3f6a0e5c1b9d2a7f4e8c3b6d0a9f1e2c5b8a",
		"CSRF_SECRET": "2d7e9a4c1f6b8e3a5d0c9f2b7e4a1d8c6f3b0e9a5c2d7f4b", "SIGNING_KEY_FILE": signingKeyFile(t),
		"REDIS_URL": "redis://:hunter2@r:6379", "SMTP_URL": "smtps://mailer:smtp-pa55word@mail.example.com",
		"MAIL_FROM": "no-reply@example.com",
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"-check-config"}, env(good), &out, &errOut, Options{})
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	all := out.String() + errOut.String()
	for _, s := range []string{"super-secret", "9f4a1c2e7b8d3f6a0e5c1b9d2a7f4e8c3b6d0a9f1e2c5b8a", "hunter2", "smtp-pa55word"} {
		if strings.Contains(all, s) {
			t.Errorf("secret %q printed", s)
		}
	}
	for _, want := range []string{"configuration OK", "[REDACTED]", `"CONVEX_TIMEOUT": "10s"`, `"SESSION_TTL": "168h0m0s"`,
		`"ACCOUNTS_FIND_BY_EMAIL": "auth:getUserByEmail"`, `"ACCOUNTS_CREATE_USER": "auth:createUser"`,
		`"MAIL_FROM": "no-reply@example.com"`, `"SIGNUP_LIMIT_EMAIL": "3/1h"`, `"RESET_TOKEN_TTL": "1h0m0s"`,
		`"REQUIRE_EMAIL_VERIFICATION": "true"`, `"ACCOUNTS_AUTHORIZE_INVITATION": "users:authorizeInvitation"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}

	// Files are checked, not just named: each problem is reported, exit 1.
	for _, tc := range []struct {
		name string
		set  map[string]string
		want []string
	}{
		{"invalid values", map[string]string{"IDENTITY_MODE": "x", "SESSION_SECRET": ""}, []string{"IDENTITY_MODE", "SESSION_SECRET"}},
		{"missing key file", map[string]string{"SIGNING_KEY_FILE": "/nonexistent/k.pem"}, []string{"SIGNING_KEY_FILE"}},
		{"missing spec file", map[string]string{"FUNCTION_SPEC_FILE": "/nonexistent/spec.json"}, []string{"FUNCTION_SPEC_FILE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := maps.Clone(good)
			maps.Copy(e, tc.set)
			out.Reset()
			errOut.Reset()
			code := Run(context.Background(), []string{"-check-config"}, env(e), &out, &errOut, Options{})
			if code != 1 || strings.Contains(out.String(), "configuration OK") {
				t.Fatalf("exit %d, out %s", code, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("error does not name %s: %s", w, errOut.String())
				}
			}
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	var errOut bytes.Buffer
	if code := Run(context.Background(), []string{"-help"}, env(nil), io.Discard, &errOut, Options{}); code != 0 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"-convex-timeout duration", "env CONVEX_TIMEOUT, default 10s",
		"-bcrypt-cost int", "env BCRYPT_COST, default 12", "-passthrough-expose list", "-session-secret secret"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, errOut.String())
		}
	}
}

func TestHealthcheck(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   int
	}{{200, 0}, {503, 1}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/healthz" {
				w.WriteHeader(404)
				return
			}
			w.WriteHeader(tt.status)
		}))
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		if got := healthcheck(context.Background(), ":"+port, io.Discard); got != tt.want {
			t.Errorf("status %d: exit %d, want %d", tt.status, got, tt.want)
		}
		srv.Close()
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	if got := healthcheck(context.Background(), addr, io.Discard); got != 1 {
		t.Errorf("nothing listening: exit %d", got)
	}
}

// A gateway listening on one specific address is checked on that address,
// not on 127.0.0.1.
func TestHealthcheckSpecificAddress(t *testing.T) {
	for _, network := range []string{"127.0.0.2:0", "[::1]:0"} {
		ln, err := net.Listen("tcp", network)
		if err != nil {
			t.Logf("skipping %s: %v", network, err)
			continue
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
		go func() { _ = srv.Serve(ln) }()
		if got := healthcheck(context.Background(), ln.Addr().String(), io.Discard); got != 0 {
			t.Errorf("listening on %s: exit %d, want 0", ln.Addr(), got)
		}
		srv.Close()
	}
}
