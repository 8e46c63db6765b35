package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConfigMatchesEnv keeps the in-process configuration of the profile
// mode in step with the environment the gateway process gets.
func TestConfigMatchesEnv(t *testing.T) {
	s := gwSettings{listenAddr: "127.0.0.1:9", convexURL: "http://127.0.0.1:8", deployKey: "dev:k",
		identityMode: "jwt", signingKeyFile: "/k.pem", callTimeout: 1500 * time.Millisecond, logLevel: "warn"}
	env, c := s.env(), s.config()
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	checks := map[string]string{
		"LISTEN_ADDR": c.ListenAddr, "PUBLIC_URL": c.PublicURL, "CONVEX_URL": c.ConvexURL,
		"CONVEX_DEPLOY_KEY": c.ConvexDeployKey.Reveal(), "IDENTITY_MODE": c.IdentityMode,
		"SIGNING_KEY_FILE": c.SigningKeyFile, "CONVEX_TIMEOUT": c.ConvexTimeout.String(),
		"BREAKER_MIN_REQUESTS": itoa(c.BreakerMinRequests), "BREAKER_OPEN_TIMEOUT": c.BreakerOpenTimeout.String(),
		"BCRYPT_COST": itoa(c.BcryptCost), "LOCKOUT_MAX_FAILURES": itoa(c.LockoutMax),
		"LOGIN_RATE": f(c.LoginRate), "LOGIN_BURST": itoa(c.LoginBurst), "API_RATE": f(c.APIRate),
		"SECURE_COOKIES": strconv.FormatBool(c.SecureCookies), "LOG_LEVEL": c.LogLevel, "LOG_FORMAT": c.LogFormat,
		"LOGIN_ACCOUNT_RATE": f(c.LoginAccountRate), "LOGIN_ACCOUNT_BURST": itoa(c.LoginAccountBurst),
		"ALLOW_INSECURE": strings.Join(c.AllowInsecure, ","), "ADMIN_ADDR": c.AdminAddr,
	}
	for k, got := range checks {
		want := env[k]
		if strings.HasSuffix(k, "TIMEOUT") {
			d, _ := time.ParseDuration(want)
			want = d.String()
		}
		gf, gerr := strconv.ParseFloat(got, 64)
		wf, werr := strconv.ParseFloat(want, 64)
		if gerr == nil && werr == nil {
			got, want = f(gf), f(wf)
		}
		if got != want {
			t.Errorf("%s: config %q, env %q", k, got, want)
		}
	}
	for k := range env {
		if _, ok := checks[k]; !ok && k != "SESSION_SECRET" && k != "CSRF_SECRET" {
			t.Errorf("env %s not compared with the config", k)
		}
	}
	if len(c.SessionSecret) < 32 || len(c.CSRFSecret) < 32 {
		t.Error("secrets missing from the config")
	}
	if err := c.Validate(); err != nil {
		t.Errorf("bench config invalid: %v", err)
	}
}

func TestEnvList(t *testing.T) {
	e := envList{}
	for _, s := range []string{"GOMAXPROCS=3", "GOMEMLIMIT=24MiB", "EMPTY="} {
		if err := e.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if e["GOMAXPROCS"] != "3" || e["EMPTY"] != "" || e.String() != "EMPTY= GOMAXPROCS=3 GOMEMLIMIT=24MiB" {
		t.Errorf("envList = %v", e.String())
	}
	for _, bad := range []string{"noequals", "=v", "A B=1"} {
		if err := e.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
