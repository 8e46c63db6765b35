package convexclient

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestTemporary(t *testing.T) {
	timeout := fmt.Errorf("convexclient: query a:b: %w", ErrTimeout)
	callerDeadline := fmt.Errorf("convexclient: query a:b: %w: %w", ErrTimeout, context.DeadlineExceeded)
	cases := []struct {
		name                  string
		err                   error
		temporary, idempotent bool
	}{
		{"nil", nil, false, false},
		// Every case of the gateway's Transient (gateway/transient_test.go)
		// keeps its answer in TemporaryIdempotent.
		{"breaker open", &UnavailableError{RetryAfter: time.Second, Reason: ReasonBreakerOpen}, true, true},
		{"shed", &UnavailableError{RetryAfter: time.Second, Reason: ReasonShed}, true, true},
		{"overloaded", &UnavailableError{RetryAfter: time.Second, Reason: ReasonOverloaded, Err: &HTTPError{Status: 503}}, true, true},
		{"query timeout", timeout, true, true},
		{"caller deadline", callerDeadline, true, true},
		{"bare deadline", context.DeadlineExceeded, true, true},
		{"dial refused", &NetworkError{Op: "dial", Err: errors.New("refused")}, true, true},
		{"query read reset", &NetworkError{Op: "read", Err: errors.New("reset")}, true, true},
		{"HTTP 500", &HTTPError{Status: 500}, true, true},
		{"HTTP 502", &HTTPError{Status: 502}, true, true},
		{"HTTP 504", &HTTPError{Status: 504}, true, true},
		{"HTTP 560 without a result", &HTTPError{Status: 560}, true, true},
		{"HTTP 429", &HTTPError{Status: 429}, true, true},
		{"HTTP 408", &HTTPError{Status: 408}, true, true},
		{"HTTP 401", &HTTPError{Status: 401}, false, false},
		{"HTTP 400", &HTTPError{Status: 400, Code: "BadJsonBody"}, false, false},
		{"HTTP 404", &HTTPError{Status: 404}, false, false},
		{"function error", &FunctionError{Message: "Uncaught Error"}, false, false},
		{"ConvexError", &FunctionError{Message: "x", Data: []byte(`{"code":"NOT_FOUND"}`)}, false, false},
		{"not configured", &ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, false, false},
		{"invalid request", fmt.Errorf("x: %w", ErrInvalidRequest), false, false},
		{"bad response", fmt.Errorf("x: %w", ErrBadResponse), false, false},
		{"canceled", context.Canceled, false, false},
		{"other", errors.New("other"), false, false},
		// A mutation or action that may have committed: only for the idempotent.
		{"mutation timeout", &OutcomeUnknownError{Kind: KindMutation, Path: "a:b", Err: timeout}, false, true},
		{"action past the caller's deadline", &OutcomeUnknownError{Kind: KindAction, Path: "a:b", Err: callerDeadline}, false, true},
		{"mutation reset", &OutcomeUnknownError{Kind: KindMutation, Path: "a:b", Err: &NetworkError{Op: "read", Err: errors.New("reset")}}, false, true},
		{"mutation cancelled", &OutcomeUnknownError{Kind: KindMutation, Path: "a:b", Err: context.Canceled}, false, false},
		{"wrapped", fmt.Errorf("secondary: %w", &HTTPError{Status: 503}), true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Temporary(tc.err); got != tc.temporary {
				t.Errorf("Temporary(%v) = %v", tc.err, got)
			}
			if got := TemporaryIdempotent(tc.err); got != tc.idempotent {
				t.Errorf("TemporaryIdempotent(%v) = %v", tc.err, got)
			}
		})
	}
}

func TestOutcomeUnknownErrorMatches(t *testing.T) {
	err := error(&OutcomeUnknownError{Kind: KindMutation, Path: "tasks:create", Err: fmt.Errorf("convexclient: mutation tasks:create: %w", ErrTimeout)})
	if !errors.Is(err, ErrOutcomeUnknown) || !errors.Is(err, ErrTimeout) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("%v does not match as documented", err)
	}
	if want := "convexclient: mutation tasks:create: convexclient: backend timed out (outcome unknown: it may have taken effect)"; err.Error() != want {
		t.Fatalf("Error() = %q", err)
	}
}
