package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/routes"
)

// validConfig is a production-shaped config that passes Validate.
func validConfig() Config {
	c := Defaults()
	c.ConvexURL = "https://happy-animal-123.convex.cloud"
	c.ConvexDeployKey = "prod:secret-deploy-key"
	c.SessionSecret = Secret(testSessionSecret)
	c.CSRFSecret = Secret(testCSRFSecret)
	c.SigningKeyFile = "/keys/signing.pem"
	return c
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string // substrings of the joined error; nil means valid
	}{
		{"valid", func(*Config) {}, nil},
		{"missing convex url is fine", func(c *Config) { c.ConvexURL = "" }, nil},
		{"dev needs no secrets", func(c *Config) {
			*c = Defaults()
			c.Dev = true
		}, nil},
		{"admin mode needs no key", func(c *Config) { c.IdentityMode = IdentityAdmin; c.SigningKeyFile = "" }, nil},
		{"loopback http convex url", func(c *Config) { c.ConvexURL = "http://127.0.0.1:3210" }, nil},
		{"bad convex url", func(c *Config) { c.ConvexURL = "http://example.com" }, []string{"CONVEX_URL"}},
		{"jwt mode needs a key", func(c *Config) { c.SigningKeyFile = "" }, []string{"SIGNING_KEY_FILE"}},
		{"bad identity mode", func(c *Config) { c.IdentityMode = "magic" }, []string{"IDENTITY_MODE"}},
		{"public url with path", func(c *Config) { c.PublicURL = "https://gw.example.com/x" }, []string{"PUBLIC_URL"}},
		{"bad listen", func(c *Config) { c.ListenAddr = "8080" }, []string{"LISTEN_ADDR"}},
		{"bad origin", func(c *Config) { c.AllowedOrigins = []string{"https://a.example.com/path"} }, []string{"ALLOWED_ORIGINS"}},
		{"bad proxy", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/33"} }, []string{"TRUSTED_PROXIES"}},
		{"good proxies", func(c *Config) { c.TrustedProxies = []string{"10.0.0.0/8", "192.168.1.1", "::1"} }, nil},
		{"short secrets", func(c *Config) { c.SessionSecret = "short"; c.CSRFSecret = "" }, []string{"SESSION_SECRET", "CSRF_SECRET"}},
		{"prefix without slash", func(c *Config) { c.ProtectedPrefixes = []string{"dashboard"} }, []string{"PROTECTED_PREFIXES"}},
		{"token ttl too short", func(c *Config) { c.ConvexTokenTTL = time.Minute }, []string{"CONVEX_TOKEN_TTL"}},
		{"bcrypt cost", func(c *Config) { c.BcryptCost = 40 }, []string{"BCRYPT_COST"}},
		{"max age below ttl", func(c *Config) { c.SessionMaxAge = time.Minute }, []string{"SESSION_MAX_AGE"}},
		{"redis url", func(c *Config) { c.RedisURL = "http://user:hunter2@redis" }, []string{"REDIS_URL"}},
		{"log settings", func(c *Config) { c.LogLevel = "loud"; c.LogFormat = "xml" }, []string{"LOG_LEVEL", "LOG_FORMAT"}},
		{"resilience settings", func(c *Config) {
			c.BreakerFailureRatio, c.BreakerMinRequests, c.BreakerWindow = 1.5, 0, 0
			c.ConvexMaxQueries, c.ConvexSlotWait, c.ConvexActionTimeout = 0, -time.Second, 0
		}, []string{"BREAKER_FAILURE_RATIO", "BREAKER_MIN_REQUESTS", "BREAKER_WINDOW", "CONVEX_MAX_IN_FLIGHT_QUERIES",
			"CONVEX_SLOT_WAIT", "CONVEX_ACTION_TIMEOUT"}},
		{"secondary settings", func(c *Config) {
			c.SecondaryMaxAge, c.SecondaryMaxBackoff, c.SecondaryTimeout, c.SecondaryClaimIdle = 0, 0, 10*time.Second, 15*time.Second
		}, []string{"SECONDARY_MAX_AGE", "SECONDARY_MAX_BACKOFF", "SECONDARY_CLAIM_IDLE"}},
		{"slot wait zero sheds at once", func(c *Config) { c.ConvexSlotWait = 0 }, nil},
		{"account flow functions", func(c *Config) {
			c.AccountsCreateUser, c.AccountsMarkEmailVerified, c.AccountsFindByID = "create user", "off", ""
		}, []string{"ACCOUNTS_CREATE_USER"}},
		{"mail settings", func(c *Config) {
			c.SMTPURL, c.MailFrom, c.MailLinkBaseURL = "smtps://user:hunter2@mail.example.com", "App <no-reply@example.com>", "https://app.example.com"
		}, nil},
		{"smtp url needs from", func(c *Config) { c.SMTPURL = "smtp://user:hunter2@mail.example.com" }, []string{"MAIL_FROM: required"}},
		{"bad smtp url", func(c *Config) { c.SMTPURL, c.MailFrom = "http://user:hunter2@mail.example.com", "a@b.test" }, []string{"SMTP_URL"}},
		{"credentials without tls", func(c *Config) {
			c.SMTPURL, c.MailFrom = "smtp://user:hunter2@relay?tls=none", "a@b.test"
		}, []string{"SMTP_URL"}},
		{"bad from and link base", func(c *Config) { c.MailFrom, c.MailLinkBaseURL = "nobody", "app.example.com/x" },
			[]string{"MAIL_FROM", "MAIL_LINK_BASE_URL"}},
		{"account flows", func(c *Config) {
			c.ResetTokenTTL, c.PasswordMinScore, c.SignUpLimitEmail = time.Second, 5, RateLimit{}
			c.AccountsAuthorizeInvitation = "not a path"
		}, []string{"RESET_TOKEN_TTL", "PASSWORD_MIN_SCORE", "SIGNUP_LIMIT_EMAIL",
			"ACCOUNTS_AUTHORIZE_INVITATION"}},
		{"sign-up with verification needs mail", func(c *Config) { c.SignUpEnabled = true }, []string{"SIGNUP_ENABLED: with REQUIRE_EMAIL_VERIFICATION"}},
		{"sign-up needs create user", func(c *Config) {
			c.SignUpEnabled, c.RequireEmailVerification, c.AccountsCreateUser = true, false, "off"
		}, []string{"SIGNUP_ENABLED: needs ACCOUNTS_CREATE_USER"}},
		{"sign-up with mail", func(c *Config) {
			c.SignUpEnabled, c.SMTPURL, c.MailFrom = true, "smtps://user:hunter2@mail.example.com", "a@b.test"
		}, nil},
		{"weak password score refused", func(c *Config) { c.PasswordMinScore = 2 }, []string{"PASSWORD_MIN_SCORE", "password-score"}},
		{"weak password score waived", func(c *Config) {
			c.PasswordMinScore, c.AllowInsecure = 0, []string{InsecurePasswordScore}
		}, nil},
		{"every problem at once", func(c *Config) {
			c.ReadTimeout, c.WriteTimeout, c.SecondaryWorkers, c.BodyLimitBytes = 0, -1, 0, 10
		}, []string{"READ_TIMEOUT", "WRITE_TIMEOUT", "SECONDARY_WORKERS", "BODY_LIMIT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConfig()
			tt.mutate(&c)
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors naming %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to name %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c := validConfig()
	c.RedisURL = "redis://:hunter2@localhost:6379"
	const key = "prod:secret-deploy-key"
	outs := []string{
		fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
		fmt.Sprintf("%s", c.ConvexDeployKey), fmt.Sprintf("%q", c.ConvexDeployKey), fmt.Sprintf("%x", c.ConvexDeployKey),
		c.ConvexDeployKey.String(),
	}
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(js))
	core, logs := observer.New(zap.InfoLevel)
	zap.New(core).Info("config", zap.Any("config", c), zap.Stringer("key", c.ConvexDeployKey))
	for _, e := range logs.All() {
		outs = append(outs, fmt.Sprint(e.ContextMap()))
	}
	for _, o := range outs {
		for _, secret := range []string{key, "hunter2", strings.Repeat("s", 32)} {
			if strings.Contains(o, secret) {
				t.Errorf("secret printed: %s", o)
			}
		}
	}
	if !strings.Contains(string(js), redacted) {
		t.Errorf("JSON %s does not show %s", js, redacted)
	}
	if c.ConvexDeployKey.Reveal() != key {
		t.Errorf("Reveal() = %q", c.ConvexDeployKey.Reveal())
	}
	if Secret("").String() != "" {
		t.Error("empty secret should print empty")
	}
}

func TestParseIPRange(t *testing.T) {
	for in, want := range map[string]string{"10.1.2.3": "10.1.2.3/32", "10.1.2.3/8": "10.0.0.0/8", "::1": "::1/128"} {
		p, err := ParseIPRange(in)
		if err != nil || p.String() != want {
			t.Errorf("ParseIPRange(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, in := range []string{"", "10.0.0", "x/8", "10.0.0.0/99"} {
		if _, err := ParseIPRange(in); err == nil {
			t.Errorf("ParseIPRange(%q) succeeded", in)
		}
	}
}

func TestParseRateLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RateLimit
		out  string
	}{
		{"3/1h", RateLimit{3, time.Hour}, "3/1h"},
		{" 10 / 15m ", RateLimit{10, 15 * time.Minute}, "10/15m"},
		{"5/30s", RateLimit{5, 30 * time.Second}, "5/30s"},
		{"1/1h30m", RateLimit{1, 90 * time.Minute}, "1/1h30m"},
		{"2/500ms", RateLimit{2, 500 * time.Millisecond}, "2/500ms"},
	} {
		got, err := ParseRateLimit(tc.in)
		if err != nil || got != tc.want || got.String() != tc.out {
			t.Errorf("ParseRateLimit(%q) = %v (%s), %v", tc.in, got, got, err)
		}
		if again, err := ParseRateLimit(got.String()); err != nil || again != got {
			t.Errorf("%s does not round-trip: %v %v", got, again, err)
		}
	}
	for _, in := range []string{"", "3", "0/1h", "-1/1h", "3/0s", "3/-1h", "x/1h", "3/soon", "3/1h/2"} {
		if _, err := ParseRateLimit(in); !errors.Is(err, ErrRateLimitSyntax) {
			t.Errorf("ParseRateLimit(%q) = %v", in, err)
		}
	}
}

func FuzzParseRateLimit(f *testing.F) {
	for _, s := range []string{"3/1h", "10/15m", "0/1h", "3/", "/1h", "1/1ns"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRateLimit(s)
		if err != nil {
			return
		}
		if r.N < 1 || r.Per <= 0 {
			t.Fatalf("%q parsed to %v", s, r)
		}
		if again, err := ParseRateLimit(r.String()); err != nil || again != r {
			t.Fatalf("%q: %v does not round-trip (%v, %v)", s, r, again, err)
		}
	})
}

// TestDefaultFlowLimitsMatchRoutes: the settings' defaults are the routes'
// documented default policies.
func TestDefaultFlowLimitsMatchRoutes(t *testing.T) {
	got, want := Defaults().flowPolicies(), routes.DefaultFlowPolicies()
	if len(got) != len(want) {
		t.Fatalf("%d policies, routes has %d", len(got), len(want))
	}
	for name, p := range want {
		g := got[name]
		if g.Burst != p.Burst || math.Abs(g.Rate-p.Rate) > 1e-12 {
			t.Errorf("%s: %+v, routes default %+v", name, g, p)
		}
	}
}
