package convextest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/convexgw/convexgw/convexclient"
)

// Endpoints of the Convex HTTP API served by a Deployment.
const (
	EndpointQuery    = "/api/query"
	EndpointMutation = "/api/mutation"
	EndpointAction   = "/api/action"
	EndpointRun      = "/api/run"      // /api/run/{module...}/{fn}; any kind
	EndpointFunction = "/api/function" // any kind; deploy key required
)

// maxArgsSize is the backend's limit on function arguments (Convex size).
const maxArgsSize = 16 << 20

// Request is one function call after HTTP parsing: what Do needs to answer
// it exactly as ServeHTTP would. Other servers (a dev backend, a cassette
// recorder) can build one to reuse the deployment's enforcement.
type Request struct {
	Endpoint      string // one of the Endpoint constants
	Path          string // function path as sent
	Args          []byte // args as sent: an object or the legacy [object]
	Format        string // "format" as sent
	HasFormat     bool   // false when "format" was absent
	Authorization string // Authorization header ("" = none)
	RequestID     string // "" = generate 16 hex chars
}

// Response is the answer to a Request. Status 0 means no HTTP answer: the
// connection is to be dropped (Reset) or the call hung until ctx ended.
type Response struct {
	Status int
	Body   []byte
	Reset  bool
}

func (req Request) kind() convexclient.Kind {
	switch req.Endpoint {
	case EndpointQuery:
		return convexclient.KindQuery
	case EndpointMutation:
		return convexclient.KindMutation
	case EndpointAction:
		return convexclient.KindAction
	}
	return 0
}

// Do answers req: path syntax, authentication, injected faults, function
// lookup and visibility, kind, args, execution, result encoding and the
// format check, in the backend's order. The call is recorded (see Calls).
func (d *Deployment) Do(ctx context.Context, req Request) Response {
	if req.RequestID == "" {
		req.RequestID = newRequestID()
	}
	d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	rec := RecordedCall{Kind: req.kind(), RequestID: req.RequestID, Auth: AuthNone}
	resp := d.do(ctx, req, &rec)
	rec.Status = resp.Status
	d.record(rec)
	return resp
}

func (d *Deployment) do(ctx context.Context, req Request, rec *RecordedCall) Response {
	h, aerr := parseAuthHeader(req.Authorization)
	if aerr != nil {
		return codeResponse(aerr.status(), aerr.Code, aerr.Message)
	}
	rec.Auth = h.kind
	fp, err := parseFunctionPath(req.Path)
	if err != nil {
		return codeResponse(http.StatusBadRequest, "BadConvexFunctionIdentifier",
			fmt.Sprintf("Couldn't parse function path %q: %v", req.Path, err))
	}
	rec.Path = fp.String()
	if args, err := canonicalArgs(req.Args); err == nil {
		rec.Args = args
	}
	who, aerr := d.authenticate(h)
	if aerr != nil {
		return codeResponse(aerr.status(), aerr.Code, aerr.Message)
	}
	rec.Auth = who.kind
	if who.identity != nil {
		rec.Subject = who.identity.Subject
	}
	if req.Endpoint == EndpointFunction && who.kind != AuthAdmin && who.kind != AuthActing {
		return codeResponse(http.StatusForbidden, "BadDeployKey", "The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment.")
	}
	if resp, done := d.applyFault(ctx, fp.String()); done {
		return resp
	}
	return d.execute(ctx, req, fp, who)
}

// execute runs the function and encodes its outcome.
func (d *Deployment) execute(ctx context.Context, req Request, fp functionPath, who principal) Response {
	out := &resultWriter{rid: req.RequestID}
	fn, ok := d.Lookup(fp.String())
	admin := who.kind == AuthAdmin || (who.kind == AuthActing && req.Endpoint != EndpointFunction)
	if !ok || (fn.Visibility == convexclient.Internal && !admin) {
		if req.Endpoint == EndpointRun || req.Endpoint == EndpointFunction {
			out.fail(fmt.Sprintf("Could not find function for '%s'. Did you forget to run `npx convex dev`?", fp), nil)
		} else {
			out.fail(fmt.Sprintf("Could not find public function for '%s'.", fp), nil)
		}
		return out.finish(req)
	}
	if k := req.kind(); k != 0 && k != fn.Kind {
		out.fail(fmt.Sprintf("Trying to execute %s as %s, but it is defined as %s.", fp.Spec(), k.SpecName(), fn.Kind.SpecName()), nil)
		return out.finish(req)
	}
	args, err := canonicalArgs(req.Args)
	if err != nil {
		out.fail(fmt.Sprintf("Invalid arguments for %s: %s", fp, valueErrText(err)), nil)
		return out.finish(req)
	}
	if n, err := convexSize(args); err != nil || n > maxArgsSize {
		out.fail(fmt.Sprintf("Arguments for %s are too large (actual: %d bytes, limit: 16 MiB)", fp, n), nil)
		return out.finish(req)
	}
	call := &Call{Kind: fn.Kind, Path: fp.String(), Args: args, Auth: who.kind, Identity: who.identity, RequestID: req.RequestID}
	v, err := runHandler(ctx, fn.Handler, call)
	out.logs = call.LogLines()
	if err == nil {
		var raw []byte
		if raw, err = convexclient.Marshal(v); err == nil {
			out.value, err = convexclient.AppendCanonical(nil, raw)
		}
		if err != nil {
			err = fmt.Errorf("function returned an invalid Convex value: %w", err)
		}
	}
	if err != nil {
		out.fail(innerMessage(err))
	}
	return out.finish(req)
}

// valueErrText is a value error without the Go package prefix.
func valueErrText(err error) string {
	var ve *convexclient.ValueError
	if errors.As(err, &ve) {
		if ve.Path != "" {
			return ve.Reason + " (at " + ve.Path + ")"
		}
		return ve.Reason
	}
	return err.Error()
}

// runHandler calls h, turning a panic into an uncaught error.
func runHandler(ctx context.Context, h Handler, call *Call) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return h(ctx, call)
}

// canonicalArgs unwraps the legacy [args] form and returns the canonical
// args object; [] counts as {}.
func canonicalArgs(raw []byte) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var arr []any
		if err := convexclient.Unmarshal(raw, &arr); err != nil {
			return nil, err
		}
		switch len(arr) {
		case 0:
			return []byte("{}"), nil
		case 1:
			b, err := convexclient.Marshal(arr[0])
			if err != nil {
				return nil, err
			}
			raw = b
		default:
			return nil, fmt.Errorf("expected one args object, got %d positional arguments", len(arr))
		}
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("args must be an object")
	}
	out, err := convexclient.AppendCanonical(nil, raw)
	if err != nil {
		return nil, err
	}
	if len(out) > 2 && out[2] == '$' { // a special object such as {"$integer":...}
		return nil, fmt.Errorf("args must be an object")
	}
	return out, nil
}
