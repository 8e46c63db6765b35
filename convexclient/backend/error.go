package backend

import (
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// Error is an HTTP-level error of the Convex HTTP API: a status and the body
// {"code":Code,"message":Message} (HttpError::into_response in
// crates/common/src/http/mod.rs). A function's own failure is not an Error:
// it is HTTP 200 with {"status":"error",...} (see FunctionErrorMessage).
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// JSON returns the body as the backend prints it: compact, code then
// message, strings escaped as serde_json does, invalid UTF-8 replaced.
func (e *Error) JSON() []byte {
	b, _ := convexclient.Marshal(map[string]string{"code": e.Code, "message": strings.ToValidUTF8(e.Message, "\uFFFD")})
	return b
}

// The backend's fixed HTTP-level errors. Each call returns a new *Error.

// ErrBadContentType is the answer to a body that is not JSON by its
// Content-Type (crates/common/src/http/extract.rs, json_content_type).
func ErrBadContentType() *Error {
	return &Error{http.StatusBadRequest, "BadJsonBody", "Expected request with `Content-Type: application/json`"}
}

// ErrBodyTooLarge is the answer to a body over MaxBodyBytes.
func ErrBodyTooLarge() *Error {
	return &Error{http.StatusBadRequest, "BadJsonBody", "Failed to buffer the request body: length limit exceeded"}
}

// ErrInvalidHeader is the answer to an Authorization header shorter than 7
// bytes (crates/local_backend/src/authentication.rs).
func ErrInvalidHeader() *Error {
	return &Error{http.StatusBadRequest, "InvalidHeaderFailure", "Invalid authentication header"}
}

// ErrInvalidAdminKey is the answer to an Authorization header that is
// neither "Convex <key>" nor "Bearer <token>".
func ErrInvalidAdminKey() *Error {
	return &Error{http.StatusBadRequest, "InvalidAdminKey", "Invalid admin key"}
}

// ErrBadAdminKey is the answer to a wrong deploy key
// (crates/authentication/src/application_auth.rs).
func ErrBadAdminKey() *Error {
	return &Error{http.StatusUnauthorized, "BadAdminKey", "The provided admin key was invalid for this instance"}
}

// ErrBadDeployKey is /api/function's answer to a caller without the deploy
// key (crates/local_backend/src/args_structs.rs must_be_admin;
// crates/keybroker/src/operations.rs bad_admin_key_error).
func ErrBadDeployKey() *Error {
	return &Error{http.StatusForbidden, "BadDeployKey", "The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment."}
}

// ErrMissingIdentifier is /api/run's answer to a URL path of fewer than
// two segments (public_function_post_with_path in
// crates/local_backend/src/public_api.rs).
func ErrMissingIdentifier() *Error {
	return &Error{http.StatusBadRequest, "MissingIdentifier", "Path or function name not provided in path, e.g. /api/run/messages/list"}
}

// ErrInternal is the answer to an error without metadata, e.g. a
// malformed /api/query_at_ts timestamp (crates/errors/src/lib.rs).
func ErrInternal() *Error {
	return &Error{http.StatusInternalServerError, "InternalServerError", "Your request couldn't be completed. Try again later."}
}

// ErrOutOfRetention is /api/query_at_ts's answer to a timestamp older than
// the backend keeps (ErrorMetadata::out_of_retention: a 503 with the
// generic text).
func ErrOutOfRetention() *Error {
	return &Error{http.StatusServiceUnavailable, "InternalServerError", "Your request couldn't be completed. Try again later."}
}

// BadPathError is the answer to a malformed function path, err being
// ParsePath's error (parse_udf_path in crates/local_backend/src/parse.rs).
func BadPathError(path string, err error) *Error {
	return &Error{http.StatusBadRequest, "BadConvexFunctionIdentifier", path + " is not a valid path to a Convex function. " + err.Error()}
}

// FunctionErrorMessage is the errorMessage of a function that failed, as a
// deployment that does not redact errors prints it:
// "[Request ID: <rid>] Server Error\n<inner>\n".
func FunctionErrorMessage(rid, inner string) string {
	return "[Request ID: " + rid + "] Server Error\n" + inner + "\n"
}

// NotFoundMessage is the inner error message for a function that does not
// exist or that the caller may not see (missing_or_internal_error in
// crates/udf/src/validation.rs): display is the path as Path.Display prints
// it, component "" for the root app; anyKind selects the wording of
// /api/run and /api/function.
func NotFoundMessage(display, component string, anyKind bool) string {
	in := ""
	if component != "" {
		in = " in '" + component + "'"
	}
	if anyKind {
		return "Could not find function for '" + display + "'" + in + ". Did you forget to run `npx convex dev`?"
	}
	return "Could not find public function for '" + display + "'" + in + "."
}
