package routes

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient/backend"
)

// The Convex HTTP API's own shapes (convex-wire.md §1, §2), so a client of
// the passthrough sees what a deployment would show it. Errors at the HTTP
// level are {"code","message"} with Convex's codes, never the gateway's
// {"error":{...}} shape.

// convexHTTPError is an HTTP-level error in Convex's shape.
type convexHTTPError struct {
	status        int
	code, message string
	retryAfter    string // Retry-After header value, "" for none
}

func errCSRF() convexHTTPError {
	return convexHTTPError{http.StatusForbidden, "CsrfFailed", "A session cookie needs a matching X-CSRF-Token header or a same-origin request.", ""}
}

func badJSONBody(msg string) convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "BadJsonBody", msg, ""}
}

// Error makes a convexHTTPError a handler error; ErrorHandler writes it.
func (e convexHTTPError) Error() string { return e.code + ": " + e.message }

// writeConvexError answers err in Convex's HTTP error shape (ErrorHandler on
// the passthrough's routes): the passthrough's own errors as they are,
// convexclient errors as passthroughError maps them, the shared
// middleware's (rate limit, body limit, routing) with Convex-style codes.
// 5xx answers are logged once with their cause.
func writeConvexError(log *zap.Logger, c echo.Context, rid string, err error) {
	ce := toConvexHTTPError(err)
	logError(log, rid, ce.status, ce.code, err)
	if werr := ce.write(c); werr != nil {
		log.Debug("writing error response", zap.String("request_id", rid), zap.Error(werr))
	}
}

func toConvexHTTPError(err error) convexHTTPError {
	var ce convexHTTPError
	var pce *convexHTTPError
	var be *backend.Error
	var ge *Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &pce):
		return *pce
	case errors.As(err, &be):
		return convexHTTPError{status: be.Status, code: be.Code, message: be.Message}
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		e := backend.ErrBodyTooLarge()
		return convexHTTPError{status: e.Status, code: e.Code, message: e.Message}
	case errors.As(err, &ge):
		pub := publicError(ge)
		out := convexHTTPError{status: pub.Status, code: convexCode(pub.Code), message: pub.Message}
		if pub.RetryAfter > 0 {
			out.retryAfter = retryAfterSeconds(pub.RetryAfter)
		}
		return out
	case errors.As(err, &he):
		pub := echoError(he)
		return convexHTTPError{status: pub.Status, code: convexCode(pub.Code), message: pub.Message}
	}
	if _, ok := convexError(err); ok {
		return passthroughError(err)
	}
	return convexHTTPError{http.StatusInternalServerError, "InternalServerError",
		"Your request couldn't be completed. Try again later.", ""}
}

// convexCode spells a gateway error code the way Convex spells its codes:
// rate_limited → RateLimited.
func convexCode(code string) string {
	var b strings.Builder
	for _, part := range strings.Split(code, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// write sends the error as Convex does: compact JSON, code then message.
func (e convexHTTPError) write(c echo.Context) error {
	b := make([]byte, 0, 32+len(e.code)+len(e.message))
	b = append(b, `{"code":`...)
	b = appendSerdeString(b, e.code)
	b = append(b, `,"message":`...)
	b = appendSerdeString(b, e.message)
	b = append(b, '}')
	if e.retryAfter != "" {
		c.Response().Header().Set("Retry-After", e.retryAfter)
	}
	return c.Blob(e.status, echo.MIMEApplicationJSON, b)
}

// missingFunction answers as Convex does for a function that does not
// exist or that the caller may not see: HTTP 200, status "error", the
// not-found text with the stripped path. anyKind selects the wording of
// /api/run.
func missingFunction(c echo.Context, rid string, fp backend.Path, anyKind bool) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, appendMissingFunction(nil, rid, fp, anyKind))
}

// appendMissingFunction appends missingFunction's body.
func appendMissingFunction(b []byte, rid string, fp backend.Path, anyKind bool) []byte {
	b = append(b, `{"status":"error","errorMessage":`...)
	b = appendSerdeString(b, backend.FunctionErrorMessage(rid, backend.NotFoundMessage(fp.Display(), "", anyKind)))
	return append(b, '}')
}

// appendSerdeString appends s as a JSON string escaped as Rust's serde_json
// does: only '"', '\\' and control characters; \n \t \r \b \f short forms,
// other controls as \u00XX (lowercase hex); no escaping of <>& or non-ASCII.
// Invalid UTF-8 becomes U+FFFD.
func appendSerdeString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\uFFFD"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch {
		case c == '"':
			b = append(b, '\\', '"')
		case c == '\\':
			b = append(b, '\\', '\\')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}
