package routes

import (
	"errors"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestPassthroughBackendErrors(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{&convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}, 503, "BackendNotConfigured"},
		{&convexclient.UnavailableError{RetryAfter: 1500e6}, 503, "BackendUnavailable"},
		{convexclient.ErrTimeout, 504, "BackendTimeout"},
		{&convexclient.HTTPError{Status: 429, Code: "TooManyConcurrentRequests", Message: "busy"}, 429, "TooManyConcurrentRequests"},
		{errors.New("boom"), 502, "BackendError"},
	}
	for _, tc := range cases {
		e := passthroughError(tc.err)
		if e.status != tc.status || e.code != tc.code {
			t.Errorf("%v: %+v", tc.err, e)
		}
	}
	if e := passthroughError(&convexclient.UnavailableError{RetryAfter: 1500e6}); e.retryAfter != "2" {
		t.Errorf("Retry-After %q", e.retryAfter)
	}
}
