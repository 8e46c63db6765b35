package convexclient

import (
	"context"
	"errors"
	"net/http"
)

// Temporary reports whether err, returned by a call, is transient: the same
// call may succeed later and is safe to repeat. True for:
//   - ErrUnavailable: a breaker open, a call shed by the in-flight limit, or
//     the backend overloaded (429/503 after retries);
//   - ErrTimeout and context.DeadlineExceeded;
//   - a *NetworkError (for mutations and actions only those raised before
//     the request was sent; later ones are ErrOutcomeUnknown);
//   - an *HTTPError with status 408, 429 or 5xx (the backend's "try again
//     later" answers; a function error is never one).
//
// False for nil, function errors (*FunctionError: the backend answered),
// ErrOutcomeUnknown (a mutation or action that may have committed; see
// TemporaryIdempotent), context.Canceled, other 4xx, ErrNotConfigured,
// ErrInvalidRequest and ErrBadResponse. It is the one place that says which
// errors are worth retrying; safe for concurrent use.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, ErrOutcomeUnknown) {
		return false
	}
	return temporary(err)
}

// TemporaryIdempotent is Temporary for callers whose call is idempotent
// (e.g. a mutation keyed by a task id, so that a replay is harmless): it
// also reports true for ErrOutcomeUnknown failures whose cause is transient
// (timeouts and network errors; not the caller's own cancellation).
func TemporaryIdempotent(err error) bool {
	return err != nil && temporary(err)
}

func temporary(err error) bool {
	var fe *FunctionError
	switch {
	case errors.As(err, &fe):
		return false
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.Is(err, context.Canceled), errors.Is(err, ErrNotConfigured), errors.Is(err, ErrInvalidRequest):
		return false
	}
	var ne *NetworkError
	if errors.As(err, &ne) {
		return true
	}
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 || he.Status == http.StatusTooManyRequests || he.Status == http.StatusRequestTimeout
	}
	return false
}
