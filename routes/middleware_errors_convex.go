package routes

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// convexData is the conventional ConvexError data of the demo functions:
// {code: "NOT_FOUND" | "FORBIDDEN" | ..., message?, field?}.
type convexData struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// convexStatus maps ConvexError codes to statuses; other codes answer 422.
var convexStatus = map[string]int{
	"UNAUTHENTICATED": http.StatusUnauthorized,
	"FORBIDDEN":       http.StatusForbidden,
	"NOT_FOUND":       http.StatusNotFound,
	"INVALID":         http.StatusUnprocessableEntity,
	"CONFLICT":        http.StatusConflict,
}

// convexMessages are the public messages for codes without data.message.
var convexMessages = map[string]string{
	"UNAUTHENTICATED": "Sign in to continue.",
	"FORBIDDEN":       "You are not allowed to do that.",
	"NOT_FOUND":       "Not found.",
	"INVALID":         "The request is invalid.",
	"CONFLICT":        "Conflict.",
}

// convexError maps convexclient errors (design.md error table).
func convexError(err error) (*Error, bool) {
	var fe *convexclient.FunctionError
	var ue *convexclient.UnavailableError
	var ce *convexclient.ConfigError
	switch {
	case errors.As(err, &fe):
		var d convexData
		if !fe.IsConvexError() || fe.DecodeData(&d) != nil || d.Code == "" {
			return &Error{Status: http.StatusBadGateway, Code: CodeBackendError,
				Message: "The backend failed.", Err: err}, true
		}
		status, ok := convexStatus[d.Code]
		if !ok {
			status = http.StatusUnprocessableEntity
		}
		e := &Error{Status: status, Code: strings.ToLower(d.Code), Message: d.Message, Err: err}
		if e.Message == "" {
			e.Message = convexMessages[d.Code]
		}
		if e.Message == "" {
			e.Message = "The request could not be completed."
		}
		if d.Field != "" {
			e.Fields = map[string]string{d.Field: e.Message}
		}
		return e, true
	case errors.As(err, &ce), errors.Is(err, convexclient.ErrNotConfigured):
		msg := "The backend is not configured."
		if ce != nil && ce.Setting != "" {
			msg = "The backend is not configured: " + ce.Setting + " " + ce.Reason + "."
		}
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeBackendNotConfigured, Message: msg, Err: err}, true
	case errors.Is(err, convexclient.ErrUnavailable):
		retry := time.Second
		if errors.As(err, &ue) && ue.RetryAfter > retry {
			retry = ue.RetryAfter
		}
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeBackendUnavailable,
			Message: "The backend is unavailable; try again shortly.", RetryAfter: retry, Err: err}, true
	case errors.Is(err, convexclient.ErrTimeout):
		return &Error{Status: http.StatusGatewayTimeout, Code: CodeBackendTimeout, Message: "The backend timed out.", Err: err}, true
	}
	var he *convexclient.HTTPError
	var ne *convexclient.NetworkError
	if errors.As(err, &he) || errors.As(err, &ne) || errors.Is(err, convexclient.ErrBadResponse) ||
		errors.Is(err, convexclient.ErrInvalidRequest) {
		return &Error{Status: http.StatusBadGateway, Code: CodeBackendError, Message: "The backend failed.", Err: err}, true
	}
	return nil, false
}
