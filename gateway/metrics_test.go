package gateway

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

func TestMetricsExposition(t *testing.T) {
	state := convexclient.StateOpen
	m := NewMetrics(func() convexclient.State { return state },
		func() SecondaryStats {
			return SecondaryStats{Queued: 4, Done: 2, Retried: 1, Failed: 1, Dropped: 3, Depth: 1}
		})
	m.ObserveRequest("POST", "/api/auth/login", 401, 30*time.Millisecond)
	m.ObserveRequest("POST", "/api/auth/login", 401, 10*time.Millisecond)
	m.LoginOutcome("invalid_credentials")
	m.ObserveCall(convexclient.CallEvent{Path: "auth:getUserByEmail", Kind: convexclient.KindQuery, Outcome: convexclient.OutcomeSuccess, Duration: time.Millisecond})
	m.ObserveStateChange(convexclient.StateClosed, convexclient.StateOpen)

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	for _, want := range []string{
		`convexgw_http_requests_total{method="POST",route="/api/auth/login",status="401"} 2`,
		`convexgw_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="401"} 2`,
		`convexgw_logins_total{outcome="invalid_credentials"} 1`,
		`convexgw_convex_calls_total{function="auth:getUserByEmail",kind="query",outcome="success"} 1`,
		`convexgw_convex_breaker_state 2`,
		`convexgw_convex_breaker_transitions_total{to="open"} 1`,
		`convexgw_secondary_tasks_dropped_total 3`,
		`convexgw_secondary_tasks_retried_total 1`,
		`convexgw_secondary_queue_depth 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
}

// Clients choose the method: arbitrary ones must not each add a series.
func TestMetricsMethodLabelBounded(t *testing.T) {
	m := NewMetrics(nil, nil)
	for _, method := range []string{"GET", "XYZ1", "XYZ2", "get"} {
		m.ObserveRequest(method, "unmatched", 405, time.Millisecond)
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	if strings.Contains(body, "XYZ") || strings.Contains(body, `method="get"`) ||
		!strings.Contains(body, `convexgw_http_requests_total{method="other",route="unmatched",status="405"} 3`) {
		t.Errorf("method labels not bounded:\n%s", body)
	}
}
