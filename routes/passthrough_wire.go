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
	return convexHTTPError{http.StatusBadRequest, "InvalidHeaderFailure", "Invalid Authorization header", ""}
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

func errMissingIdentifier() convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "MissingIdentifier", "Function path must have at least a module and a function name", ""}
}

func errCSRF() convexHTTPError {
	return convexHTTPError{http.StatusForbidden, "CsrfFailed", "A session cookie needs a matching X-CSRF-Token header or a same-origin request.", ""}
}

func badJSONBody(msg string) convexHTTPError {
	return convexHTTPError{http.StatusBadRequest, "BadJsonBody", msg, ""}
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

// parseUDFRequest decodes a passthrough body. withPath is false for
// /api/run, whose body is {"args","format"?}. Like Convex, unknown fields are
// ignored and path and args are required.
func parseUDFRequest(body []byte, withPath bool) (udfRequest, *convexHTTPError) {
	var raw struct {
		Path   *string         `json:"path"`
		Args   json.RawMessage `json:"args"`
		Format *string         `json:"format"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		e := badJSONBody("Failed to deserialize the JSON body into the target type: " + jsonErrText(err))
		return udfRequest{}, &e
	}
	if dec.More() {
		e := badJSONBody("Failed to parse the request body as JSON: trailing characters")
		return udfRequest{}, &e
	}
	switch {
	case withPath && raw.Path == nil:
		e := badJSONBody("Failed to deserialize the JSON body into the target type: missing field `path`")
		return udfRequest{}, &e
	case raw.Args == nil:
		e := badJSONBody("Failed to deserialize the JSON body into the target type: missing field `args`")
		return udfRequest{}, &e
	}
	args := bytes.TrimSpace(raw.Args)
	if len(args) == 0 || (args[0] != '{' && args[0] != '[') {
		e := badJSONBody("Failed to deserialize the JSON body into the target type: args: expected an object or an array")
		return udfRequest{}, &e
	}
	r := udfRequest{Args: args, Format: raw.Format}
	if raw.Path != nil {
		r.Path = *raw.Path
	}
	return r, nil
}

// jsonErrText is a short description of a JSON decoding error, without Go
// type names.
func jsonErrText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "invalid JSON: " + se.Error()
	case errors.As(err, &te):
		return "invalid type for field `" + te.Field + "`"
	}
	return "invalid JSON"
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
