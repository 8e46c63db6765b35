package routes

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
)

// errorBody is the one error shape: {"error":{"code","message","requestId","fields"?}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	RequestID string            `json:"requestId"`
	Fields    map[string]string `json:"fields,omitempty"`
}

// ErrorHandler returns the Echo HTTPErrorHandler: the one error path of the
// gateway. Every error, Echo's own 404/405/413 included, becomes the JSON
// error shape with the request id; on the passthrough's routes it takes
// Convex's {"code","message"} shape instead, so a Convex client sees what a
// deployment would show it. Errors answered with a 5xx are logged once, with
// their internal cause; the client sees only the public message. A client
// that went away during the request (its context cancelled) is logged at
// debug and counted with status 499, not as a failure.
func ErrorHandler(log *zap.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		rid := RequestIDFrom(c.Request().Context())
		if clientGone(c, err) {
			if ce := log.Check(zap.DebugLevel, "client canceled"); ce != nil {
				ce.Write(zap.String("request_id", rid), zap.Error(err))
			}
			_ = c.NoContent(StatusClientClosedRequest)
			return
		}
		if convexShaped(c) {
			writeConvexError(log, c, rid, err)
			return
		}
		pub := publicError(err)
		logError(log, rid, pub.Status, pub.Code, err)
		if pub.RetryAfter > 0 {
			c.Response().Header().Set(echo.HeaderRetryAfter, retryAfterSeconds(pub.RetryAfter))
		}
		var werr error
		if c.Request().Method == http.MethodHead {
			werr = c.NoContent(pub.Status)
		} else {
			werr = c.JSON(pub.Status, errorBody{Error: errorDetail{Code: pub.Code, Message: pub.Message,
				RequestID: rid, Fields: pub.Fields}})
		}
		if werr != nil {
			log.Debug("writing error response", zap.String("request_id", rid), zap.Error(werr))
		}
	}
}

// StatusClientClosedRequest is the status recorded (in metrics and the
// access log) for a request whose client went away before the answer: nginx's
// 499. The client never sees it.
const StatusClientClosedRequest = 499

// clientGone reports whether err is the request's own cancellation: the
// client closed the connection while the gateway worked (a Convex call
// returned context.Canceled because the request context ended).
func clientGone(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil
}

// logError logs a 5xx answer with its cause, once; other answers at debug.
func logError(log *zap.Logger, rid string, status int, code string, err error) {
	if status >= 500 && !failingFast(code, err) {
		log.Error("request failed", zap.String("request_id", rid), zap.String("code", code),
			zap.Int("status", status), zap.Error(err))
	} else if ce := log.Check(zap.DebugLevel, "request refused"); ce != nil {
		ce.Write(zap.String("request_id", rid), zap.String("code", code), zap.Error(err))
	}
}

// failingFast reports the 503s the gateway answers without trying the
// backend (breaker open, backend not configured, hashing pool full): the
// breaker and /readyz report the outage once, the access log counts the
// answers, and an error line per request would flood the log and slow the
// fast path down exactly when it must stay fast.
//
// The same holds for a state store whose breaker is open
// (auth.ErrStoreUnavailable); other store failures are logged.
func failingFast(code string, err error) bool {
	return code == CodeBackendUnavailable || code == CodeBackendNotConfigured || code == CodeBusy ||
		(code == CodeStateUnavailable && errors.Is(err, auth.ErrStoreUnavailable))
}

// retryAfterSeconds renders d as whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}

// publicError maps any error to its public form (design.md error table).
func publicError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		out := *e
		if out.Status == 0 {
			out.Status = http.StatusInternalServerError
		}
		if out.Code == "" {
			out.Code = CodeInternal
		}
		if out.Message == "" {
			out.Message = http.StatusText(out.Status)
		}
		return &out
	}
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
			Message: "The request body is too large."}
	}
	if pe, ok := authError(err); ok {
		return pe
	}
	if pe, ok := convexError(err); ok {
		return pe
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return echoError(he)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Status: http.StatusGatewayTimeout, Code: CodeBackendTimeout, Message: "The backend timed out."}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "Something went wrong."}
}

// authError maps auth package errors that reach the handler unconverted.
func authError(err error) (*Error, bool) {
	var busy *auth.BusyError
	var locked *auth.LockedError
	var limited *auth.RateLimitError
	switch {
	case errors.Is(err, auth.ErrStore):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeStateUnavailable,
			Message:    "The service cannot check sessions and limits right now; try again shortly.",
			RetryAfter: 2 * time.Second, Err: err}, true
	case errors.As(err, &limited):
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message: "Too many requests; slow down.", RetryAfter: max(limited.RetryAfter, time.Second), Err: err}, true
	case errors.As(err, &busy):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeBusy,
			Message: "The server is busy; try again shortly.", RetryAfter: busy.RetryAfter}, true
	case errors.As(err, &locked):
		return &Error{Status: http.StatusTooManyRequests, Code: CodeAccountLocked,
			Message: "Too many failed sign-in attempts; try again later.", RetryAfter: locked.RetryAfter}, true
	case errors.Is(err, auth.ErrInvalidCredentials):
		return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidCredentials,
			Message: "Invalid email or password."}, true
	case errors.Is(err, auth.ErrInvalidSession), errors.Is(err, auth.ErrInvalidToken):
		return errUnauthenticated(), true
	case errors.Is(err, auth.ErrCSRF):
		return &Error{Status: http.StatusForbidden, Code: CodeCSRFFailed,
			Message: "Missing or invalid CSRF token."}, true
	case errors.Is(err, auth.ErrRateLimited):
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message: "Too many requests; slow down.", RetryAfter: time.Second}, true
	}
	return nil, false
}

// echoError maps Echo's own errors (no route, wrong method, bad bind...).
func echoError(he *echo.HTTPError) *Error {
	e := &Error{Status: he.Code, Err: he}
	switch he.Code {
	case http.StatusNotFound:
		e.Code, e.Message = CodeNotFound, "Not found."
	case http.StatusMethodNotAllowed:
		e.Code, e.Message = CodeMethodNotAllowed, "Method not allowed."
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		e.Status, e.Code, e.Message = http.StatusBadRequest, CodeInvalidRequest, "The request is malformed."
	case http.StatusUnauthorized:
		e.Code, e.Message = CodeUnauthenticated, "Sign in to continue."
	case http.StatusForbidden:
		e.Code, e.Message = CodeForbidden, "Forbidden."
	case http.StatusTooManyRequests:
		e.Code, e.Message, e.RetryAfter = CodeRateLimited, "Too many requests; slow down.", time.Second
	default:
		if he.Code < 400 || he.Code > 599 {
			e.Status = http.StatusInternalServerError
		}
		e.Code = strings.ReplaceAll(strings.ToLower(http.StatusText(e.Status)), " ", "_")
		if e.Status >= 500 {
			e.Code = CodeInternal
		}
		e.Message = http.StatusText(e.Status) + "."
	}
	return e
}
