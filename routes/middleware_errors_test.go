package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

func TestErrorHandlerMapping(t *testing.T) {
	fnErr := func(data string) error {
		return &convexclient.FunctionError{Path: "tasks:get", Message: "[Request ID: x] Server Error\nUncaught ConvexError: secret-internal\n", Data: []byte(data)}
	}
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string // "" means don't check
		retryAfter string
		fields     map[string]string
	}{
		{"routes error", &Error{Status: 409, Code: "conflict", Message: "Taken."}, 409, "conflict", "Taken.", "", nil},
		{"wrapped routes error", fmt.Errorf("ctx: %w", &Error{Status: 418, Code: "teapot", Message: "Short and stout."}), 418, "teapot", "Short and stout.", "", nil},
		{"invalid", Invalid(map[string]string{"title": "required"}), 400, "invalid_request", "", "", map[string]string{"title": "required"}},
		{"retry after rounds up", &Error{Status: 429, Code: "rate_limited", Message: "m", RetryAfter: 1500 * time.Millisecond}, 429, "rate_limited", "", "2", nil},
		{"echo 404", echo.ErrNotFound, 404, "not_found", "Not found.", "", nil},
		{"echo 405", echo.ErrMethodNotAllowed, 405, "method_not_allowed", "", "", nil},
		{"echo 413", echo.ErrStatusRequestEntityTooLarge, 413, "body_too_large", "", "", nil},
		{"echo bind 400", echo.NewHTTPError(400, "Syntax error: offset=3").SetInternal(errors.New("json")), 400, "invalid_request", "The request is malformed.", "", nil},
		{"echo 415", echo.ErrUnsupportedMediaType, 400, "invalid_request", "", "", nil},
		{"unauthenticated", &convexclient.FunctionError{Data: []byte(`{"code":"UNAUTHENTICATED"}`)}, 401, "unauthenticated", "Sign in to continue.", "", nil},
		{"forbidden", fnErr(`{"code":"FORBIDDEN"}`), 403, "forbidden", "", "", nil},
		{"not found with message", fnErr(`{"code":"NOT_FOUND","message":"No such task."}`), 404, "not_found", "No such task.", "", nil},
		{"invalid field", fnErr(`{"code":"INVALID","field":"amount","message":"must be positive"}`), 422, "invalid", "must be positive", "", map[string]string{"amount": "must be positive"}},
		{"other convex code", fnErr(`{"code":"QUOTA_EXCEEDED"}`), 422, "quota_exceeded", "", "", nil},
		{"uncaught function error", &convexclient.FunctionError{Path: "x:y", Message: "Uncaught Error: secret-internal"}, 502, "backend_error", "", "", nil},
		{"not configured", &convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, 503, "backend_not_configured", "The backend is not configured: CONVEX_URL is not set.", "", nil},
		{"unavailable", &convexclient.UnavailableError{RetryAfter: 7 * time.Second}, 503, "backend_unavailable", "", "7", nil},
		{"unavailable sentinel", fmt.Errorf("x: %w", convexclient.ErrUnavailable), 503, "backend_unavailable", "", "1", nil},
		{"timeout", fmt.Errorf("x: %w", convexclient.ErrTimeout), 504, "backend_timeout", "", "", nil},
		{"deadline", context.DeadlineExceeded, 504, "backend_timeout", "", "", nil},
		{"http error", &convexclient.HTTPError{Status: 500, Message: "secret-internal"}, 502, "backend_error", "", "", nil},
		{"network error", &convexclient.NetworkError{Op: "dial", Err: errors.New("secret-internal")}, 502, "backend_error", "", "", nil},
		{"bad response", fmt.Errorf("%w: secret-internal", convexclient.ErrBadResponse), 502, "backend_error", "", "", nil},
		{"busy", &auth.BusyError{RetryAfter: 3 * time.Second}, 503, "busy", "", "3", nil},
		{"locked", &auth.LockedError{RetryAfter: 60 * time.Second}, 429, "account_locked", "", "60", nil},
		{"invalid credentials", auth.ErrInvalidCredentials, 401, "invalid_credentials", "Invalid email or password.", "", nil},
		{"invalid session", auth.ErrSessionRevoked, 401, "unauthenticated", "", "", nil},
		{"csrf", auth.ErrForbiddenOrigin, 403, "csrf_failed", "", "", nil},
		{"unknown", errors.New("secret-internal"), 500, "internal_error", "Something went wrong.", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := echo.New()
			e.HTTPErrorHandler = ErrorHandler(zap.NewNop())
			e.Pre(requestID())
			e.GET("/x", func(echo.Context) error { return tt.err })
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			r.Header.Set(HeaderRequestID, "rid-7")
			w := serve(e, r)
			if w.Code != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			var raw map[string]map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil || len(raw) != 1 {
				t.Fatalf("body %s: %v", w.Body, err)
			}
			var body errorBody
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if body.Error.Code != tt.code || body.Error.RequestID != "rid-7" || body.Error.Message == "" {
				t.Errorf("body = %s", w.Body)
			}
			if tt.message != "" && body.Error.Message != tt.message {
				t.Errorf("message = %q, want %q", body.Error.Message, tt.message)
			}
			if got := w.Header().Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			if fmt.Sprint(body.Error.Fields) != fmt.Sprint(tt.fields) {
				t.Errorf("fields = %v, want %v", body.Error.Fields, tt.fields)
			}
			if strings.Contains(w.Body.String(), "secret-internal") {
				t.Errorf("internal text leaked: %s", w.Body)
			}
		})
	}
}

func TestErrorHandlerEchoRouting(t *testing.T) {
	h := NewAPI(testDeps(t)).Handler()
	w := serve(h, httptest.NewRequest(http.MethodDelete, "/healthz", nil))
	if w.Code != 405 || !strings.Contains(w.Body.String(), `"code":"method_not_allowed"`) {
		t.Errorf("405: %d %s", w.Code, w.Body)
	}
	w = serve(h, httptest.NewRequest(http.MethodHead, "/nope", nil))
	if w.Code != 404 || w.Body.Len() != 0 {
		t.Errorf("HEAD 404: %d %q", w.Code, w.Body)
	}
}
