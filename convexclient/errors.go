package convexclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinel errors. Every error returned by a call matches at most one of
// them with errors.Is (a caller's expired deadline matches both ErrTimeout and
// context.DeadlineExceeded), except ErrOutcomeUnknown, which comes with the
// failure it qualifies (e.g. ErrTimeout). Temporary says which are transient.
var (
	// ErrNotConfigured: the client has no usable configuration (missing or
	// invalid CONVEX_URL, or no deploy key for an admin call). Concrete type
	// *ConfigError.
	ErrNotConfigured = errors.New("convexclient: backend not configured")
	// ErrUnavailable: a circuit breaker is open, the call was shed by the
	// in-flight limit, or the backend stayed overloaded (429/503) after
	// retries. Concrete type *UnavailableError.
	ErrUnavailable = errors.New("convexclient: backend unavailable")
	// ErrTimeout: no answer within the call's timeout (Config.Timeouts,
	// WithTimeout) or the caller's deadline. A mutation or action that timed
	// out after its request was sent also matches ErrOutcomeUnknown.
	ErrTimeout = errors.New("convexclient: backend timed out")
	// ErrBadResponse: the backend answered with a body that is not a Convex
	// function response (not JSON, unknown status, too large).
	ErrBadResponse = errors.New("convexclient: malformed backend response")
	// ErrInvalidRequest: the call was refused before any I/O (invalid function
	// path, args that are not a Convex object, an unusable credential).
	ErrInvalidRequest = errors.New("convexclient: invalid request")
)

// FunctionError is a Convex function that ran and failed: the backend
// answered HTTP 200 (or the legacy 560) with {"status":"error",...}. It is the
// backend working normally, so it never trips the circuit breaker.
type FunctionError struct {
	Path string // function path as called
	// Message is the backend's errorMessage, e.g.
	// "[Request ID: 1f2e] Server Error\nUncaught ConvexError: {...}\n".
	Message string
	// Data is the ConvexError's data as Convex-encoded JSON; nil when the
	// function threw something other than a ConvexError.
	Data     []byte
	LogLines []string // the function's console output, if any
}

// Error returns the path and the backend's message on one line.
func (e *FunctionError) Error() string {
	msg := strings.Join(strings.Fields(e.Message), " ")
	return "convexclient: function " + e.Path + " failed: " + msg
}

// IsConvexError reports whether the function threw a ConvexError (Data is set).
func (e *FunctionError) IsConvexError() bool { return e.Data != nil }

// DecodeData decodes the ConvexError data into v with UnmarshalPartial (no
// validator shapes error data, so absent fields are not an error). It fails
// when the error carries no data.
func (e *FunctionError) DecodeData(v any) error {
	if e.Data == nil {
		return fmt.Errorf("convexclient: function %s: error has no ConvexError data", e.Path)
	}
	return UnmarshalPartial(e.Data, v)
}

// ErrorData extracts the ConvexError data of a *FunctionError anywhere in
// err's chain, decoded into T with UnmarshalPartial. ok is false when err
// holds no ConvexError or its data does not decode into T.
func ErrorData[T any](err error) (data T, ok bool) {
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Data == nil {
		return data, false
	}
	if UnmarshalPartial(fe.Data, &data) != nil {
		var zero T
		return zero, false
	}
	return data, true
}

// HTTPError is a non-2xx answer (other than the legacy 560 function error):
// a transport, authentication or limit problem. Code and Message come from
// the backend's {"code","message"} body; for other bodies Code is empty and
// Message is the status text.
type HTTPError struct {
	Status  int
	Code    string
	Message string
	Path    string
}

// Error returns "convexclient: <path>: HTTP <status> <code>: <message>".
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "convexclient: %s: HTTP %d", e.Path, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// UnavailableError is the backend being unavailable or the client too busy
// to call it: a circuit breaker is open (ReasonBreakerOpen, Err nil), the
// lane's in-flight limit shed the call (ReasonShed, Err nil), or the backend
// stayed overloaded after retries (ReasonOverloaded, Err the last
// *HTTPError). It matches ErrUnavailable; the call never took effect, except
// that an overloaded answer to a mutation is the backend's refusal to run it.
type UnavailableError struct {
	// RetryAfter is a hint for clients: the time until the breaker lets calls
	// through again, or a short back-off for an overloaded backend or a shed
	// call. Never < 1s.
	RetryAfter time.Duration
	// Reason is ReasonBreakerOpen, ReasonShed or ReasonOverloaded (empty in
	// values built by other packages: treat as ReasonBreakerOpen).
	Reason string
	// Breaker names the lane (BreakerQuery, ..., BreakerBackground) whose
	// breaker or limit refused the call; empty for ReasonOverloaded.
	Breaker string
	Err     error
}

// UnavailableError reasons, also reported in CallEvent.Reason.
const (
	ReasonBreakerOpen = "breaker_open"       // a circuit breaker is open (or half-open with its probes out)
	ReasonShed        = "shed"               // too many calls in flight in the lane (LimitSettings)
	ReasonOverloaded  = "backend_overloaded" // the backend answered 429 or 503
)

// Error describes why the backend is unavailable.
func (e *UnavailableError) Error() string {
	if e.Err != nil {
		return "convexclient: backend unavailable: " + e.Err.Error()
	}
	if e.Reason == ReasonShed {
		return fmt.Sprintf("convexclient: backend unavailable (too many %s calls in flight, retry after %s)", e.Breaker, e.RetryAfter)
	}
	return fmt.Sprintf("convexclient: backend unavailable (circuit breaker open, retry after %s)", e.RetryAfter)
}

// Is reports whether target is ErrUnavailable.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unwrap returns the last backend error, if any.
func (e *UnavailableError) Unwrap() error { return e.Err }

// ConfigError is a missing or invalid setting. It matches ErrNotConfigured.
// Its text names the setting and never contains the setting's value.
type ConfigError struct {
	Setting string // e.g. "CONVEX_URL", "CONVEX_DEPLOY_KEY", "Retry.MaxAttempts"
	Reason  string // e.g. "is not set"
	Err     error  // underlying error, if any (e.g. from a config resolver)
}

// Error returns "convexclient: <setting> <reason>".
func (e *ConfigError) Error() string {
	if e.Setting == "" {
		return "convexclient: not configured: " + e.Reason
	}
	return "convexclient: " + e.Setting + " " + e.Reason
}

// Is reports whether target is ErrNotConfigured.
func (e *ConfigError) Is(target error) bool { return target == ErrNotConfigured }

// Unwrap returns the underlying error.
func (e *ConfigError) Unwrap() error { return e.Err }

// NetworkError is a failed exchange with the backend: no HTTP answer was read.
// Op is "dial" when the connection was never established (the request surely
// did not reach the server), otherwise e.g. "read", "write" or "request".
type NetworkError struct {
	Path string
	Op   string
	Err  error
}

// Error returns the path, the operation and the underlying error.
func (e *NetworkError) Error() string {
	return "convexclient: " + e.Path + ": network error (" + e.Op + "): " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// statusText is the message for an error body without a Convex message.
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "status " + fmt.Sprint(status)
}
