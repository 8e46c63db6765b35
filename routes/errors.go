package routes

import (
	"fmt"
	"net/http"
	"time"
)

// Error is an error with a public face: the HTTP status, a stable
// machine-readable code and a message meant for people. Err, when set, is the
// internal cause; it is logged, never sent to the client.
//
// Handlers return *Error (or wrap one); the error handler renders it as
// {"error":{"code","message","requestId","fields"?}}.
type Error struct {
	Status     int               // HTTP status; 0 means 500
	Code       string            // e.g. "invalid_request"
	Message    string            // public text; never internal error text
	Fields     map[string]string // field name → problem, for validation errors
	RetryAfter time.Duration     // > 0 adds a Retry-After header (seconds, rounded up)
	Err        error             // internal cause, for logs and errors.Is/As
}

// Error returns the public code and message plus the internal cause, for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the internal cause.
func (e *Error) Unwrap() error { return e.Err }

// Invalid returns a 400 invalid_request error naming each bad field.
func Invalid(fields map[string]string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
		Message: "The request is invalid.", Fields: fields}
}

// Error codes of the gateway's JSON error shape (design.md, "One error shape").
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeUnauthenticated      = "unauthenticated"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeCSRFFailed           = "csrf_failed"
	CodeAccountLocked        = "account_locked"
	CodeRateLimited          = "rate_limited"
	CodeBodyTooLarge         = "body_too_large"
	CodeBusy                 = "busy"
	CodeBackendNotConfigured = "backend_not_configured"
	CodeBackendUnavailable   = "backend_unavailable"
	CodeBackendTimeout       = "backend_timeout"
	CodeBackendError         = "backend_error"
	CodeStateUnavailable     = "state_unavailable"
	CodeInternal             = "internal_error"

	// The account flows' codes.
	CodeInvalidToken      = "invalid_token"       // 400: a link's token is unknown, used, expired or for another account
	CodeEmailUnverified   = "email_unverified"    // 403: right password, email not confirmed yet (login)
	CodeEmailTaken        = "email_taken"         // 409: an account has this email (invitations; sign-up without verification)
	CodeNotEnabled        = "not_enabled"         // 404: the flow is switched off by configuration
	CodeMailNotConfigured = "mail_not_configured" // 503: the flow must send email and the gateway cannot
)

// errUnauthenticated is the answer to a protected route without a valid session.
func errUnauthenticated() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthenticated,
		Message: "Sign in to continue."}
}
