package gateway

import (
	"context"
	"errors"
	"net/http"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// Transient reports whether a Convex call error is worth retrying later: the
// backend unavailable or timed out, no answer at all, HTTP 5xx or 429.
// Function errors (the backend working) and configuration errors are final.
// Other tasks' errors that say so through a Temporary() bool method (a mail
// delivery's *mail.SendError) are retried too.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, convexclient.ErrUnavailable) || errors.Is(err, convexclient.ErrTimeout) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne *convexclient.NetworkError
	if errors.As(err, &ne) {
		return true
	}
	var he *convexclient.HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests
	}
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// requestIDField is the request id carried by a (detached) request context.
func requestIDField(ctx context.Context) zap.Field {
	return zap.String("request_id", routes.RequestIDFrom(ctx))
}
