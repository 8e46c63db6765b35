package routes

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// TestErrorHandlerLogLevels: answers given without trying the backend
// (breaker open, not configured, hashing pool full) log no error line per
// request; real backend failures and internal errors do.
func TestErrorHandlerLogLevels(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		errorLine bool
	}{
		{"breaker open", &convexclient.UnavailableError{RetryAfter: time.Second}, false},
		{"not configured", &convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, false},
		{"pool busy", &auth.BusyError{RetryAfter: time.Second}, false},
		{"backend error", &convexclient.HTTPError{Status: 500, Message: "boom"}, true},
		{"timeout", convexclient.ErrTimeout, true},
		{"internal", errors.New("boom"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.InfoLevel)
			e := echo.New()
			c := e.NewContext(httptest.NewRequest(http.MethodGet, "/api/tasks", nil), httptest.NewRecorder())
			ErrorHandler(zap.New(core))(tt.err, c)
			if got := logs.FilterLevelExact(zapcore.ErrorLevel).Len() > 0; got != tt.errorLine {
				t.Fatalf("error line logged = %v, want %v (%v)", got, tt.errorLine, logs.All())
			}
		})
	}
}

// BenchmarkErrorRendering renders the breaker-open 503, the answer every
// request gets while the backend is down: it must stay cheap.
func BenchmarkErrorRendering(b *testing.B) {
	e := echo.New()
	h := ErrorHandler(zap.NewNop())
	err := &convexclient.UnavailableError{RetryAfter: 5 * time.Second}
	r := httptest.NewRequest(http.MethodGet, "/api/tasks", nil)
	b.ReportAllocs()
	for b.Loop() {
		c := e.NewContext(r, httptest.NewRecorder())
		h(err, c)
	}
}
