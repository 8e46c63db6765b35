package convexclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestConfigValidateListsEveryProblem(t *testing.T) {
	err := Config{
		URL: "", URLSetting: "APP_CONVEX_URL", DeployKey: "has space",
		ClientName: "npm", ClientVersion: "1.0", Timeout: -1, MaxResponseBytes: -1,
		Retry: RetryPolicy{MaxAttempts: -1}, Breaker: BreakerSettings{OpenTimeout: -1, FailureRatio: 1.5},
		Timeouts: TimeoutSettings{Action: -1}, Limits: LimitSettings{Query: -1},
	}.Validate()
	for _, want := range []string{"APP_CONVEX_URL is not set", "CONVEX_DEPLOY_KEY", "ClientName", "ClientVersion", "Timeout", "MaxResponseBytes", "Retry",
		"Breaker durations", "Breaker FailureRatio", "Timeouts", "Limits"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	if !errors.Is(err, ErrNotConfigured) {
		t.Fatal("not ErrNotConfigured")
	}
	if err := (Config{URL: "https://a.convex.cloud", ClientName: "my-app", ClientVersion: "2.3.4-rc.1"}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.URLSetting != "CONVEX_URL" || c.DeployKeySetting != "CONVEX_DEPLOY_KEY" || c.ClientName != "convexgw-go" ||
		c.ClientVersion != "0.1.0" || c.Timeout != 10*time.Second || c.MaxResponseBytes != DefaultMaxResponseBytes || c.Logger == nil {
		t.Fatalf("defaults %+v", c)
	}
	if c.Retry != (RetryPolicy{3, 100 * time.Millisecond, 2 * time.Second}) {
		t.Fatalf("retry defaults %+v", c.Retry)
	}
	if c.Breaker != (BreakerSettings{FailureRatio: 0.8, MinRequests: 20, Window: 10 * time.Second, OpenTimeout: time.Second, HalfOpenProbes: 1}) {
		t.Fatalf("breaker defaults %+v", c.Breaker)
	}
	if c.Timeouts != (TimeoutSettings{Query: 10 * time.Second, Mutation: 10 * time.Second, Action: 15 * time.Minute}) {
		t.Fatalf("timeout defaults %+v", c.Timeouts)
	}
	if c.Limits != (LimitSettings{Query: 64, Mutation: 32, Action: 16, Background: 8, MaxWait: 100 * time.Millisecond}) {
		t.Fatalf("limit defaults %+v", c.Limits)
	}
	// The deprecated ConsecutiveFailures becomes the minimum volume.
	if b := (BreakerSettings{ConsecutiveFailures: 5}).withDefaults(); b.MinRequests != 5 || b.ConsecutiveFailures != 0 {
		t.Fatalf("ConsecutiveFailures 5: %+v", b)
	}
	if b := (BreakerSettings{ConsecutiveFailures: 5, MinRequests: 30}).withDefaults(); b.MinRequests != 30 {
		t.Fatalf("MinRequests wins: %+v", b)
	}
	// Config.Timeout is the default of queries and mutations, not of actions.
	c = Config{Timeout: time.Second, Timeouts: TimeoutSettings{Mutation: 3 * time.Second}}.withDefaults()
	if c.Timeouts != (TimeoutSettings{Query: time.Second, Mutation: 3 * time.Second, Action: 15 * time.Minute}) {
		t.Fatalf("timeouts from Config.Timeout %+v", c.Timeouts)
	}
	if err := (Config{URL: "https://a.convex.cloud", Credential: UserToken("")}).Validate(); err == nil || !strings.Contains(err.Error(), "Credential") {
		t.Fatalf("unusable default credential: %v", err)
	}
}

// countingTransport is a caller-supplied RoundTripper.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestCustomHTTPClientAndHeaders(t *testing.T) {
	ct := &countingTransport{}
	hs := setup(t, reply(200, `{"status":"success","value":"ok"}`), func(c *Config) {
		c.HTTPClient = &http.Client{Transport: ct}
		c.ClientName, c.ClientVersion = "my-gateway", "2.0.1"
	})
	var s string
	if err := hs.c.Action(context.Background(), "a:b", nil, &s); err != nil || s != "ok" {
		t.Fatalf("= %q, %v", s, err)
	}
	if ct.n.Load() != 1 {
		t.Fatal("custom client not used")
	}
	if _, _, h := hs.rec.last(); h.Get("Convex-Client") != "my-gateway-2.0.1" {
		t.Fatalf("Convex-Client %q", h.Get("Convex-Client"))
	}
}

func TestDefaultClientDoesNotFollowRedirects(t *testing.T) {
	hs := setup(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/steal", http.StatusTemporaryRedirect)
	})
	err := hs.c.Query(WithCredential(context.Background(), Admin()), "a:b", nil, nil)
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusTemporaryRedirect || hs.rec.hits.Load() != 1 {
		t.Fatalf("err = %v", err)
	}
}
