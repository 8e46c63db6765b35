package gateway

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

func TestTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&convexclient.UnavailableError{RetryAfter: time.Second}, true},
		{fmt.Errorf("x: %w", convexclient.ErrTimeout), true},
		{context.DeadlineExceeded, true},
		{&convexclient.NetworkError{Op: "dial", Err: errors.New("refused")}, true},
		{&convexclient.HTTPError{Status: 500}, true},
		{&convexclient.HTTPError{Status: 429}, true},
		{&convexclient.HTTPError{Status: 401}, false},
		{&convexclient.FunctionError{Message: "Uncaught Error"}, false},
		{&convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, false},
		{context.Canceled, false},
		{errors.New("other"), false},
	}
	for _, tt := range tests {
		if got := Transient(tt.err); got != tt.want {
			t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
