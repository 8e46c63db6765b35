package gateway

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

func TestMetricsExposition(t *testing.T) {
	m := NewMetrics(MetricsSources{
		Breakers: func() []convexclient.BreakerStatus {
			return []convexclient.BreakerStatus{{Name: "query", State: convexclient.StateOpen, InFlight: 3, Limit: 64},
				{Name: "background", State: convexclient.StateClosed, InFlight: 1, Limit: 8}}
		},
		Secondary: func() SecondaryStats {
			return SecondaryStats{Queued: 4, Done: 2, Retried: 1, Failed: 1, Dropped: 3, DeadLettered: 5, Claimed: 6, Pending: 1}
		},
		Store: func() auth.StoreState { return auth.StoreHalfOpen },
	})
	m.ObserveRequest("POST", "/api/auth/login", 401, 30*time.Millisecond)
	m.ObserveRequest("POST", "/api/auth/login", 401, 10*time.Millisecond)
	m.LoginOutcome("invalid_credentials")
	m.ObserveCall(convexclient.CallEvent{Path: "auth:getUserByEmail", Kind: convexclient.KindQuery, Outcome: convexclient.OutcomeSuccess, Duration: time.Millisecond})
	m.ObserveCall(convexclient.CallEvent{Path: "tasks:list", Kind: convexclient.KindQuery, Outcome: convexclient.OutcomeShed})
	m.ObserveBreakerChange("mutation", convexclient.StateClosed, convexclient.StateOpen)
	m.ObserveStoreChange(auth.StoreClosed, auth.StoreOpen)

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	for _, want := range []string{
		`convexgw_http_requests_total{method="POST",route="/api/auth/login",status="401"} 2`,
		`convexgw_http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="401"} 2`,
		`convexgw_logins_total{outcome="invalid_credentials"} 1`,
		`convexgw_convex_calls_total{function="auth:getUserByEmail",kind="query",outcome="success"} 1`,
		`convexgw_convex_calls_total{function="tasks:list",kind="query",outcome="shed"} 1`,
		`convexgw_convex_breaker_state{breaker="query"} 2`,
		`convexgw_convex_breaker_state{breaker="background"} 0`,
		`convexgw_convex_in_flight{lane="query"} 3`,
		`convexgw_convex_in_flight_limit{lane="query"} 64`,
		`convexgw_convex_breaker_transitions_total{breaker="mutation",to="open"} 1`,
		`convexgw_state_store_breaker_state 1`,
		`convexgw_state_store_breaker_transitions_total{to="open"} 1`,
		`convexgw_secondary_tasks_dropped_total 3`,
		`convexgw_secondary_tasks_retried_total 1`,
		`convexgw_secondary_tasks_dead_lettered_total 5`,
		`convexgw_secondary_tasks_claimed_total 6`,
		`convexgw_secondary_tasks_pending 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
}

// Clients choose the method: arbitrary ones must not each add a series.
func TestMetricsMethodLabelBounded(t *testing.T) {
	m := NewMetrics(MetricsSources{})
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
