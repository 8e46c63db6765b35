package routes

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"
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

// Convex's texts for the HTTP-level errors the passthrough produces itself.
func errBadContentType() convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "BadJsonBody", "Expected request with `Content-Type: application/json`", ""}
}

func errBadAdminKey() convexHTTPError {
	return convexHTTPError{http.StatusUnauthorized, "BadAdminKey", "The provided admin key was invalid for this instance", ""}
}

func errInvalidAdminKey() convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "InvalidAdminKey", "Invalid admin key", ""}
}

func errShortAuthHeader() convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "InvalidHeaderFailure", "Invalid Authorization header: too short", ""}
}

func errNoAuthProvider() convexHTTPError {
	return convexHTTPError{http.StatusUnauthorized, "NoAuthProvider", "No auth provider found matching the given token", ""}
}

func errUnparsableJWT() convexHTTPError {
	return convexHTTPError{http.StatusUnauthorized, "InvalidAuthHeader", "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.", ""}
}

func errInvalidJWT() convexHTTPError {
	return convexHTTPError{http.StatusUnauthorized, "InvalidAuthHeader", "Could not verify token claim. Check that the token signature is valid and the token hasn't expired.", ""}
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
	var ge *Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &pce):
		return *pce
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return badJSONBody("Failed to buffer the request body: length limit exceeded")
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

// udfRequest is a parsed passthrough body: {"path","args","format"?} (path
// comes from the URL for /api/run).
type udfRequest struct {
	Path   string
	Args   json.RawMessage // object, or legacy positional array
	Format *string
}

// jsonContentType reports whether a Content-Type is application/json or
// application/*+json, as Convex requires.
func jsonContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// parseUDFRequest decodes a passthrough body as Convex does (serde):
// {"path","args","format"?} with case-sensitive field names, unknown fields
// ignored, path and args required; withPath is false for /api/run, whose
// path comes from the URL. Beyond Convex, args must be an object or an array
// (the only forms a function can take; the client refuses others).
func parseUDFRequest(body []byte, withPath bool) (udfRequest, *convexHTTPError) {
	fail := func(msg string) (udfRequest, *convexHTTPError) {
		e := badJSONBody("Failed to deserialize the JSON body into the target type: " + msg)
		return udfRequest{}, &e
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return fail(err.Error())
	}
	if fields == nil {
		return fail("expected an object")
	}
	var r udfRequest
	if withPath {
		raw, ok := fields["path"]
		if !ok {
			return fail("missing field `path`")
		}
		if err := json.Unmarshal(raw, &r.Path); err != nil || string(raw) == "null" {
			return fail("invalid type for `path`, expected a string")
		}
	}
	args, ok := fields["args"]
	if !ok {
		return fail("missing field `args`")
	}
	if args = bytes.TrimSpace(args); args[0] != '{' && args[0] != '[' {
		return fail("invalid type for `args`, expected an object or an array")
	}
	r.Args = args
	if raw, ok := fields["format"]; ok && string(raw) != "null" {
		r.Format = new(string)
		if err := json.Unmarshal(raw, r.Format); err != nil {
			return fail("invalid type for `format`, expected a string")
		}
	}
	return r, nil
}

// checkClientVersion applies Convex's Convex-Client header rules: no '-' →
// 400 InvalidClientVersion; "npm-<not a version>" → 400
// ClientVersionUnsupported. Other names are accepted.
func checkClientVersion(v string) *convexHTTPError {
	if v == "" {
		return nil
	}
	name, ver, ok := strings.Cut(v, "-")
	if !ok {
		return &convexHTTPError{http.StatusBadRequest, "InvalidClientVersion", "Invalid client version: " + v, ""}
	}
	if strings.EqualFold(name, "npm") && !strings.HasPrefix(strings.ToLower(ver), "cli-") {
		if _, _, ok := splitClientVersion("npm-" + ver); !ok {
			return &convexHTTPError{http.StatusBadRequest, "ClientVersionUnsupported", "Unsupported client version: " + v, ""}
		}
	}
	return nil
}

// missingFunction is Convex's answer for a function that does not exist or
// that the caller may not see: HTTP 200, status "error". run selects the
// /api/run wording.
func missingFunction(rid, display string, run bool) []byte {
	var inner string
	if run {
		inner = "Could not find function for '" + display + "'. Did you forget to run `npx convex dev`?"
	} else {
		inner = "Could not find public function for '" + display + "'."
	}
	b := make([]byte, 0, 96+len(rid)+len(inner))
	b = append(b, `{"status":"error","errorMessage":`...)
	b = appendSerdeString(b, "[Request ID: "+rid+"] Server Error\n"+inner+"\n")
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
