package convexclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap/zapcore"
)

// CallEvent describes one finished call, for metrics (Config.OnCall).
type CallEvent struct {
	Path     string
	Kind     Kind
	Outcome  string        // one of the Outcome* constants
	Status   int           // last HTTP status, 0 when none was received
	Duration time.Duration // from the call's start to its result, retries included
	Attempts int           // HTTP requests made (0 when refused before any I/O)
	// Breaker names the lane that admitted or refused the call
	// (BreakerQuery, ..., BreakerBackground); empty when it was refused
	// before admission (invalid request, not configured).
	Breaker string
	// Background reports a call marked WithBackground.
	Background bool
	// Reason qualifies OutcomeUnavailable and OutcomeShed with the
	// UnavailableError reason (ReasonBreakerOpen, ReasonShed, ReasonOverloaded).
	Reason string
	// QueueWait is the time spent waiting for an in-flight slot (part of
	// Duration, outside the call's timeout).
	QueueWait time.Duration
	// Unknown reports a mutation or action that failed after its request
	// was sent (ErrOutcomeUnknown): it may have taken effect.
	Unknown bool
}

// Call outcomes reported in CallEvent.Outcome.
const (
	OutcomeSuccess        = "success"         // function returned a value
	OutcomeFunctionError  = "function_error"  // function threw (*FunctionError)
	OutcomeHTTPError      = "http_error"      // non-2xx answer (*HTTPError)
	OutcomeNetworkError   = "network_error"   // no answer (*NetworkError)
	OutcomeTimeout        = "timeout"         // ErrTimeout
	OutcomeUnavailable    = "unavailable"     // breaker open, or overloaded after retries (see CallEvent.Reason)
	OutcomeShed           = "shed"            // too many calls in flight in the lane: refused before I/O (ErrUnavailable)
	OutcomeCanceled       = "canceled"        // the caller cancelled
	OutcomeNotConfigured  = "not_configured"  // e.g. admin call without a deploy key
	OutcomeInvalidRequest = "invalid_request" // refused before I/O: bad path, args or credential
	OutcomeBadResponse    = "bad_response"    // malformed/oversize body, or a result that does not decode into out
)

// Call runs the function at path with args (a Go value encoded with Marshal
// that must encode to an object; nil means {}) and decodes its result into
// out with Unmarshal (out may be nil to discard it). The credential comes
// from ctx (WithCredential) or Config.Credential. Errors: *FunctionError,
// *HTTPError, *NetworkError, ErrTimeout, ErrUnavailable, ErrOutcomeUnknown (with
// ErrTimeout, context.Canceled or a *NetworkError), ErrNotConfigured,
// ErrInvalidRequest, ErrBadResponse (see each for matching).
func (c *Client) Call(ctx context.Context, kind Kind, path string, args, out any) error {
	_, err := c.do(ctx, &callSpec{kind: kind, path: path, args: args, out: out})
	return err
}

// Query calls the query at path; see Call.
func (c *Client) Query(ctx context.Context, path string, args, out any) error {
	return c.Call(ctx, KindQuery, path, args, out)
}

// Mutation calls the mutation at path; see Call.
func (c *Client) Mutation(ctx context.Context, path string, args, out any) error {
	return c.Call(ctx, KindMutation, path, args, out)
}

// Action calls the action at path; see Call.
func (c *Client) Action(ctx context.Context, path string, args, out any) error {
	return c.Call(ctx, KindAction, path, args, out)
}

// CallRaw runs a function with args that are already Convex-encoded JSON (an
// object, or a legacy positional array, sent as given) and returns the
// backend's HTTP-200 body verbatim, whether the function succeeded or threw
// ({"status":"success"|"error",...}): the gateway's passthrough. A function
// error is not an error here. Other failures are as for Call.
func (c *Client) CallRaw(ctx context.Context, kind Kind, path string, args json.RawMessage) ([]byte, error) {
	return c.do(ctx, &callSpec{kind: kind, path: path, raw: args, rawMode: true})
}

type callSpec struct {
	kind     Kind
	path     string
	args     any
	raw      []byte
	rawMode  bool
	out      any
	internal bool     // binding declared Internal: default credential is Admin
	api      *apiCall // nil for /api/{query,mutation,action}; see endpoint.go
}

// do runs a call and reports it to OnCall.
func (c *Client) do(ctx context.Context, s *callSpec) ([]byte, error) {
	e, err := c.engine()
	if err != nil {
		return nil, err
	}
	start := e.now()
	ev := CallEvent{Path: s.path, Kind: s.kind}
	body, err := e.exec(ctx, s, &ev)
	if e.cfg.OnCall != nil {
		ev.Duration = e.now().Sub(start)
		e.cfg.OnCall(ev)
	}
	return body, err
}

func (e *engine) exec(ctx context.Context, s *callSpec, ev *CallEvent) ([]byte, error) {
	if s.kind < KindQuery || s.kind > KindAction || !s.validPath() {
		ev.Outcome = OutcomeInvalidRequest
		return nil, fmt.Errorf("convexclient: %q (%s): %w: invalid function kind or path", s.path, s.kind, ErrInvalidRequest)
	}
	cred, ok := CredentialFrom(ctx)
	if !ok {
		cred = e.cfg.Credential
		if s.internal {
			cred = Admin()
		}
	}
	auth, err := cred.authorization(e)
	if err != nil {
		ev.Outcome = OutcomeInvalidRequest
		if errors.Is(err, ErrNotConfigured) {
			ev.Outcome = OutcomeNotConfigured
		}
		return nil, err
	}
	payload, err := e.payload(s)
	if err != nil {
		ev.Outcome = OutcomeInvalidRequest
		return nil, err
	}
	parent := ctx
	ad, err := e.admit(ctx, parent, s, ev)
	if err != nil {
		return nil, err
	}
	// The call's timeout starts now that it holds a slot.
	ctx, cancel := context.WithTimeoutCause(ctx, ad.timeout, errOwnTimeout)
	defer cancel()
	a := func() attempt {
		defer ad.ln.lim.release() // the exchange is over: decoding needs no slot
		return e.attempts(ctx, s, payload, auth, requestID(parent), ev)
	}()
	defer e.putBuf(a.buf)
	rd := e.redactor(cred)
	if s.permanent(a) { // the caller's fault (e.g. out of retention): not an outage
		ad.finish(nil)
	} else {
		ad.finish(verdict(ctx, parent, a))
	}

	unknown := a.sent && mayHaveEffect(s.kind)
	if a.err != nil && ctx.Err() != nil {
		ev.Outcome, err = ctxError(ctx, parent, s)
		if unknown {
			ev.Unknown = true
			err = &OutcomeUnknownError{Kind: s.kind, Path: s.path, Err: err}
		}
		return nil, err
	}
	if isNetworkError(a.err) {
		ev.Outcome = OutcomeNetworkError
		if unknown {
			ev.Unknown = true
			return nil, &OutcomeUnknownError{Kind: s.kind, Path: s.path, Err: a.err}
		}
		return nil, a.err
	}
	if a.err != nil { // body too large or unreadable
		ev.Outcome = OutcomeBadResponse
		return nil, fmt.Errorf("convexclient: %s: %w: %w", s.path, ErrBadResponse, a.err)
	}
	if a.status/100 != 2 && a.status != 560 {
		he := httpError(a.status, s.path, a.body, rd)
		if (a.status == 429 || a.status == 503) && !s.permanent(a) {
			ev.Outcome, ev.Reason = OutcomeUnavailable, ReasonOverloaded
			return nil, &UnavailableError{RetryAfter: e.overloadRetryAfter(), Reason: ReasonOverloaded, Err: he}
		}
		ev.Outcome = OutcomeHTTPError
		return nil, he
	}
	return e.result(s, a, ev, rd)
}

// result interprets a 2xx or 560 body.
func (e *engine) result(s *callSpec, a attempt, ev *CallEvent, rd redactor) ([]byte, error) {
	if s.api != nil && s.api.decode != nil {
		return s.api.decode(e, s, a, ev, rd)
	}
	r, err := parseResponse(a.body)
	if err != nil {
		if a.status == 560 {
			ev.Outcome = OutcomeHTTPError
			return nil, httpError(a.status, s.path, a.body, rd)
		}
		ev.Outcome = OutcomeBadResponse
		return nil, fmt.Errorf("convexclient: %s: %w: %w", s.path, ErrBadResponse, err)
	}
	if r.success {
		ev.Outcome = OutcomeSuccess
		if r.logLines != nil && e.log.Core().Enabled(zapcore.DebugLevel) {
			e.logLines(s, &r, rd)
		}
		if s.rawMode {
			if !json.Valid(r.value) {
				ev.Outcome = OutcomeBadResponse
				return nil, fmt.Errorf("convexclient: %s: %w: value is not valid JSON", s.path, ErrBadResponse)
			}
			return bytes.Clone(a.body), nil
		}
		if s.out != nil {
			if err := Unmarshal(r.value, s.out); err != nil {
				ev.Outcome = OutcomeBadResponse
				return nil, fmt.Errorf("convexclient: %s: result does not decode: %w: %w", s.path, ErrBadResponse, err)
			}
		}
		return nil, nil
	}
	fe, err := r.functionError(s.path, rd)
	if err != nil {
		ev.Outcome = OutcomeBadResponse
		return nil, fmt.Errorf("convexclient: %s: %w: %w", s.path, ErrBadResponse, err)
	}
	ev.Outcome = OutcomeFunctionError
	if r.logLines != nil && e.log.Core().Enabled(zapcore.DebugLevel) {
		e.logLines(s, &r, rd)
	}
	if s.rawMode {
		return bytes.Clone(a.body), nil
	}
	return nil, fe
}

var errOwnTimeout = errors.New("convexclient: per-call timeout")

// ctxError turns a finished context into the call's error and outcome.
func ctxError(ctx, parent context.Context, s *callSpec) (string, error) {
	switch {
	case context.Cause(ctx) == errOwnTimeout:
		return OutcomeTimeout, fmt.Errorf("convexclient: %s %s: %w", s.kind, s.path, ErrTimeout)
	case errors.Is(parent.Err(), context.DeadlineExceeded):
		return OutcomeTimeout, fmt.Errorf("convexclient: %s %s: %w: %w", s.kind, s.path, ErrTimeout, context.DeadlineExceeded)
	}
	return OutcomeCanceled, fmt.Errorf("convexclient: %s %s: %w", s.kind, s.path, context.Canceled)
}
