package routes

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthAndReadiness(t *testing.T) {
	tests := []struct {
		name   string
		checks []Check
		status int
		want   string
	}{
		{"no checks", nil, 200, "ready"},
		{"all pass", []Check{{Name: "convex", Fn: func(context.Context) (string, error) { return "breaker closed", nil }}}, 200, "ready"},
		{"one fails", []Check{
			{Name: "convex", Fn: func(context.Context) (string, error) { return "", errors.New("CONVEX_URL is not set") }},
			{Name: "redis", Fn: func(context.Context) (string, error) { return "reachable", nil }},
		}, 503, "not_ready"},
		{"respects timeout", []Check{{Name: "slow", Fn: func(ctx context.Context) (string, error) {
			<-ctx.Done()
			return "", ctx.Err()
		}}}, 503, "not_ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDeps(t)
			d.Checks = tt.checks
			h := NewAPI(d).AdminHandler()
			if w := serve(h, httptest.NewRequest(http.MethodGet, "/healthz", nil)); w.Code != 200 {
				t.Errorf("healthz = %d", w.Code)
			}
			r := httptest.NewRequest(http.MethodGet, "/readyz", nil)
			if tt.name == "respects timeout" {
				ctx, cancel := context.WithCancel(r.Context())
				cancel()
				r = r.WithContext(ctx)
			}
			w := serve(h, r)
			var body struct {
				Status string                 `json:"status"`
				Checks map[string]checkResult `json:"checks"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != tt.status || body.Status != tt.want || len(body.Checks) != len(tt.checks) {
				t.Errorf("readyz = %d %s", w.Code, w.Body)
			}
		})
	}
}

// A check that ignores its context (a frozen Redis behind a client without
// deadlines) must not hold /readyz past its own deadline (issue 16).
func TestReadinessDeadlineHoldsForStuckCheck(t *testing.T) {
	d := testDeps(t)
	release := make(chan struct{})
	defer close(release)
	d.CheckTimeout = 50 * time.Millisecond
	d.Checks = []Check{
		{Name: "stuck", Fn: func(context.Context) (string, error) { <-release; return "", nil }},
		{Name: "fine", Fn: func(context.Context) (string, error) { return "ok", nil }},
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- serve(NewAPI(d).AdminHandler(), httptest.NewRequest(http.MethodGet, "/readyz", nil)) }()
	select {
	case w := <-done:
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"stuck":{"ok":false,"error":"timed out after 50ms"}`) ||
			!strings.Contains(w.Body.String(), `"fine":{"ok":true`) {
			t.Errorf("readyz = %d %s", w.Code, w.Body)
		}
	case <-time.After(10 * time.Second): // far beyond the deadline: the check held the answer
		t.Fatal("/readyz waited for a check that ignores its context")
	}
}

func TestMetricsEndpoint(t *testing.T) {
	d := testDeps(t)
	if w := serve(NewAPI(d).AdminHandler(), httptest.NewRequest(http.MethodGet, "/metrics", nil)); w.Code != 404 {
		t.Errorf("no handler: %d", w.Code)
	}
	d.MetricsHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("m 1\n")) })
	if w := serve(NewAPI(d).AdminHandler(), httptest.NewRequest(http.MethodGet, "/metrics", nil)); w.Code != 200 || w.Body.String() != "m 1\n" {
		t.Errorf("metrics: %d %q", w.Code, w.Body)
	}
}

// TestOperationsOffThePublicListener (issue 12, defect 6): readiness
// details and metrics are not public; the public listener keeps /healthz.
func TestOperationsOffThePublicListener(t *testing.T) {
	d := testDeps(t)
	d.MetricsHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("m 1\n")) })
	d.Checks = []Check{{Name: "convex", Fn: func(context.Context) (string, error) { return "breaker closed", nil }}}
	h := NewAPI(d).Handler()
	for _, path := range []string{"/readyz", "/metrics"} {
		if w := serve(h, httptest.NewRequest(http.MethodGet, path, nil)); w.Code != 404 {
			t.Errorf("public %s: %d %s", path, w.Code, w.Body)
		}
	}
	if w := serve(h, httptest.NewRequest(http.MethodGet, "/healthz", nil)); w.Code != 200 || w.Body.String() != "{\"status\":\"ok\"}\n" {
		t.Errorf("public /healthz: %d %s", w.Code, w.Body)
	}
}
