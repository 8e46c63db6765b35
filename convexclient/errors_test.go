package convexclient

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorMatching(t *testing.T) {
	he := &HTTPError{Status: 503, Code: "Overloaded", Message: "busy", Path: "a:b"}
	cases := []struct {
		err  error
		is   []error
		isnt []error
		text string
	}{
		{he, nil, []error{ErrUnavailable, ErrNotConfigured}, "convexclient: a:b: HTTP 503 Overloaded: busy"},
		{&HTTPError{Status: 408, Path: "a:b"}, nil, nil, "convexclient: a:b: HTTP 408"},
		{&UnavailableError{RetryAfter: 3 * time.Second}, []error{ErrUnavailable}, []error{ErrTimeout},
			"convexclient: backend unavailable (circuit breaker open, retry after 3s)"},
		{&UnavailableError{RetryAfter: time.Second, Err: he}, []error{ErrUnavailable}, nil,
			"convexclient: backend unavailable: convexclient: a:b: HTTP 503 Overloaded: busy"},
		{&ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, []error{ErrNotConfigured}, []error{ErrUnavailable},
			"convexclient: CONVEX_URL is not set"},
		{&ConfigError{Reason: "configuration could not be loaded", Err: context.Canceled}, []error{ErrNotConfigured, context.Canceled}, nil,
			"convexclient: not configured: configuration could not be loaded"},
		{&NetworkError{Path: "a:b", Op: "dial", Err: errors.New("connection refused")}, nil, []error{ErrTimeout},
			"convexclient: a:b: network error (dial): connection refused"},
		{&FunctionError{Path: "a:b", Message: "[Request ID: x] Server Error\n  Uncaught Error: boom\n"}, nil, []error{ErrUnavailable},
			"convexclient: function a:b failed: [Request ID: x] Server Error Uncaught Error: boom"},
	}
	for _, tc := range cases {
		wrapped := fmt.Errorf("route: %w", tc.err)
		for _, target := range tc.is {
			if !errors.Is(wrapped, target) {
				t.Errorf("%v does not match %v", tc.err, target)
			}
		}
		for _, target := range tc.isnt {
			if errors.Is(wrapped, target) {
				t.Errorf("%v matches %v", tc.err, target)
			}
		}
		if tc.err.Error() != tc.text {
			t.Errorf("Error() = %q, want %q", tc.err.Error(), tc.text)
		}
	}
	var ue *UnavailableError
	var got *HTTPError
	err := fmt.Errorf("x: %w", &UnavailableError{Err: he})
	if !errors.As(err, &ue) || !errors.As(err, &got) || got != he {
		t.Fatal("UnavailableError does not unwrap to its HTTPError")
	}
}

func TestErrorDataTypes(t *testing.T) {
	fe := &FunctionError{Path: "a:b", Data: []byte(`{"code":"INVALID","field":"title","n":{"$integer":"AgAAAAAAAAA="}}`)}
	type data struct {
		Code  string `json:"code"`
		Field string `json:"field"`
		N     int64  `json:"n"`
	}
	d, ok := ErrorData[data](fmt.Errorf("wrapped: %w", fe))
	if !ok || d != (data{"INVALID", "title", 2}) {
		t.Fatalf("= %+v, %v", d, ok)
	}
	if _, ok := ErrorData[string](fe); ok {
		t.Fatal("object data decoded into a string")
	}
	if _, ok := ErrorData[data](errors.New("other")); ok {
		t.Fatal("ok for a non-function error")
	}
	if _, ok := ErrorData[data](nil); ok {
		t.Fatal("ok for nil")
	}
}
