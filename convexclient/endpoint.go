package convexclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
)

// apiCall adapts a call to an HTTP API route other than /api/query,
// /api/mutation and /api/action (batch, snapshot, run, function). The
// engine (c.do → engine.exec) runs it like any call: credential, timeout,
// circuit breaker, retries per callSpec.kind, OnCall. Each field's zero
// value means the default behaviour.
type apiCall struct {
	// endpoint is the route after the deployment base, e.g. "/api/query_batch".
	endpoint string
	// noPath: callSpec.path is a label (e.g. "query_batch"), not a function path.
	noPath bool
	// body builds the request body; nil means {"path","format","args"}.
	body func() ([]byte, error)
	// decode interprets a 2xx body; nil means a function response (value
	// into out, or *FunctionError; raw mode returns it verbatim). It runs
	// after the breaker verdict and must copy what it keeps out of a.body
	// (a pooled buffer).
	decode func(e *engine, s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error)
	// permanent reports a non-2xx answer that is the caller's fault, not
	// the backend's (an out-of-retention snapshot timestamp): it is not
	// retried, does not count toward the breaker and is returned as an
	// *HTTPError rather than an *UnavailableError.
	permanent func(status int, body []byte) bool
	// anyKind: the function's own kind decides (run, function); callSpec.kind
	// is KindMutation for at-most-once retries, but the call may be a long
	// action, so per-kind timeouts should treat it as one.
	anyKind bool

	u *url.URL // parsed endpoint, set by engine.url
}

// validPath reports whether the spec's path is acceptable: a well-formed
// function path, or a label for routes without one.
func (s *callSpec) validPath() bool {
	if s.api != nil && s.api.noPath {
		return s.path != ""
	}
	return ValidPath(s.path)
}

// permanent reports whether attempt a is an answer the spec declares to be
// the caller's fault (see apiCall.permanent).
func (s *callSpec) permanent(a attempt) bool {
	return s.api != nil && s.api.permanent != nil && a.err == nil && s.api.permanent(a.status, a.body)
}

// payload builds the request body of s.
func (e *engine) payload(s *callSpec) ([]byte, error) {
	if s.api != nil && s.api.body != nil {
		return s.api.body()
	}
	return e.requestBody(s)
}

// url returns the endpoint URL of s (never modified by the caller).
func (e *engine) url(s *callSpec) *url.URL {
	if s.api == nil {
		return e.urls[s.kind]
	}
	if s.api.u == nil {
		u, err := url.Parse(e.base + s.api.endpoint)
		if err != nil { // endpoints are built from validated parts
			u = &url.URL{Scheme: "http", Host: "invalid.invalid", Path: "/"}
		}
		s.api.u = u
	}
	return s.api.u
}

// encodedFormat is the "format" every request of this client asks for.
const encodedFormat = "convex_encoded_json"

// argsJSON encodes a call's args: raw args (a JSON object or legacy array,
// sent as given) when raw is true, else args with MarshalArgs.
func argsJSON(path string, args any, raw []byte, isRaw bool) ([]byte, error) {
	if isRaw {
		r := bytes.TrimSpace(raw)
		if len(r) == 0 || (r[0] != '{' && r[0] != '[') || !json.Valid(r) {
			return nil, fmt.Errorf("convexclient: %s: %w: args must be a JSON object or array", path, ErrInvalidRequest)
		}
		return r, nil
	}
	b, err := MarshalArgs(args)
	if err != nil {
		return nil, fmt.Errorf("convexclient: %s: %w: args: %w", path, ErrInvalidRequest, err)
	}
	return b, nil
}

// appendJSONString appends s as a JSON string (encoding/json escaping).
func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}
