package routes

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
)

func TestCallError(t *testing.T) {
	argErr := &convexclient.FunctionError{Path: "tasks:get", Message: "[Request ID: r] Server Error\nArgumentValidationError: Expected ID for table \"tasks\"\n"}
	var e *Error
	if err := CallError(argErr); !errors.As(err, &e) || e.Status != http.StatusBadRequest || !errors.Is(err, argErr) {
		t.Fatalf("validator failure: %v", err)
	}
	convexErr := &convexclient.FunctionError{Message: "ArgumentValidationError", Data: []byte(`{"code":"INVALID"}`)}
	if err := CallError(convexErr); err != error(convexErr) {
		t.Fatalf("ConvexError changed: %v", err)
	}
	if err := CallError(convexclient.ErrTimeout); err != convexclient.ErrTimeout {
		t.Fatalf("timeout changed: %v", err)
	}
}

func TestReadJSONBody(t *testing.T) {
	cases := []struct {
		ct, body string
		status   int // 0: accepted
	}{
		{"application/json", `{"a":1}`, 0},
		{"application/json; charset=utf-8", `{}`, 0},
		{"text/plain", `{}`, http.StatusBadRequest},
		{"", `{}`, http.StatusBadRequest},
		{"application/json", strings.Repeat(" ", maxJSONBody+1), http.StatusRequestEntityTooLarge},
	}
	e := echo.New()
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
		if tc.ct != "" {
			req.Header.Set("Content-Type", tc.ct)
		}
		c := e.NewContext(req, httptest.NewRecorder())
		body, err := ReadJSONBody(c)
		var pe *Error
		switch {
		case tc.status == 0 && (err != nil || string(body) != tc.body):
			t.Errorf("%q: %v", tc.ct, err)
		case tc.status != 0 && (!errors.As(err, &pe) || pe.Status != tc.status):
			t.Errorf("%q %d bytes: %v, want %d", tc.ct, len(tc.body), err, tc.status)
		}
	}
}
