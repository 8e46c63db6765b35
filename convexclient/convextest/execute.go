package convextest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// Endpoints of the Convex HTTP API served by a Deployment.
const (
	EndpointQuery      = backend.EndpointQuery
	EndpointMutation   = backend.EndpointMutation
	EndpointAction     = backend.EndpointAction
	EndpointRun        = backend.EndpointRun      // /api/run/{module...}/{fn}; any kind, root component
	EndpointFunction   = backend.EndpointFunction // any kind, any component; deploy key required
	EndpointQueryTS    = backend.EndpointQueryTS
	EndpointQueryAtTS  = backend.EndpointQueryAtTS
	EndpointQueryBatch = backend.EndpointQueryBatch
)

// Deprecation headers the backend adds for old clients
// (crates/convex/sync_types/src/headers.rs; see backend.CheckClientVersion).
const (
	HeaderDeprecationState   = backend.HeaderDeprecationState
	HeaderDeprecationMessage = backend.HeaderDeprecationMessage
)

// maxArgsSize is the backend's limit on function arguments (Convex size).
const maxArgsSize = 16 << 20

// Request is one call after HTTP parsing: what Do needs to answer it
// exactly as ServeHTTP would. Other servers (a dev backend, a cassette
// recorder) can build one to reuse the deployment's enforcement.
type Request struct {
	Endpoint string // one of the Endpoint constants
	Path     string // function path as sent (unused by /api/run and /api/query_batch)
	// RunPath is, for /api/run, the escaped URL path after "/api/run/";
	// Do maps it to the function path after authentication. Empty means
	// Path is used as is.
	RunPath       string
	Args          []byte // args as sent: an object or the legacy [object]
	Format        string // "format" as sent
	HasFormat     bool   // false when "format" was absent
	ComponentPath string // /api/function: "componentPath" as sent
	// HasComponentPath is false when "componentPath" was absent or null.
	HasComponentPath bool
	TS               string       // /api/query_at_ts: "ts" as sent
	Queries          []BatchQuery // /api/query_batch: the queries
	Authorization    string       // Authorization header ("" = none)
	ClientVersion    string       // Convex-Client header: decides the default format
	RequestID        string       // "" = generate 16 hex chars
}

// BatchQuery is one query of a /api/query_batch Request.
type BatchQuery struct {
	Path      string
	Args      []byte
	Format    string
	HasFormat bool
}

// Response is the answer to a Request. Status 0 means no HTTP answer: the
// connection is to be dropped (Reset) or the call hung until ctx ended.
type Response struct {
	Status int
	Body   []byte
	Reset  bool
	Header http.Header // extra headers, or nil
}

func (req Request) kind() convexclient.Kind {
	switch req.Endpoint {
	case EndpointQuery, EndpointQueryAtTS, EndpointQueryBatch:
		return convexclient.KindQuery
	case EndpointMutation:
		return convexclient.KindMutation
	case EndpointAction:
		return convexclient.KindAction
	}
	return 0
}

// Do answers req, in the backend's order (convex-backend
// crates/local_backend/src/public_api.rs): for /api/query, /mutation,
// /action and /query_at_ts the path is parsed before authentication; for
// /api/function authentication, the deploy-key check (403 BadDeployKey)
// and the component path come first; for /api/run a missing identifier is
// checked after authentication. Then injected faults, function lookup and
// visibility, kind, args, execution, result encoding and the format check.
// Every call is recorded (see Calls); a batch records one call per query.
func (d *Deployment) Do(ctx context.Context, req Request) Response {
	if req.RequestID == "" {
		req.RequestID = newRequestID()
	}
	d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	if req.Endpoint == EndpointQueryTS {
		return d.queryTS()
	}
	if req.Endpoint == EndpointQueryBatch {
		return d.batch(ctx, req) // records one call per query
	}
	rec := RecordedCall{Endpoint: req.Endpoint, Kind: req.kind(), RequestID: req.RequestID, Auth: AuthNone}
	resp := d.do(ctx, req, &rec)
	rec.Status = resp.Status
	d.record(rec)
	return resp
}

func (d *Deployment) do(ctx context.Context, req Request, rec *RecordedCall) Response {
	h, aerr := d.parseAuthHeader(req.Authorization)
	if aerr != nil {
		return aerr.response()
	}
	rec.Auth = h.kind
	var (
		fp        backend.Path
		err       error
		component string
	)
	early := req.Endpoint != EndpointRun && req.Endpoint != EndpointFunction
	if early {
		if fp, err = backend.ParsePath(req.Path); err != nil {
			return errResponse(backend.BadPathError(req.Path, err))
		}
		rec.Path = fp.String()
	}
	who, aerr := d.authenticate(h)
	if aerr != nil {
		return aerr.response()
	}
	rec.Auth = who.kind
	if who.identity != nil {
		rec.Subject = who.identity.Subject
	}
	var at convexclient.Timestamp
	switch req.Endpoint {
	case EndpointFunction:
		if who.kind != AuthAdmin && who.kind != AuthActing {
			return errResponse(backend.ErrBadDeployKey())
		}
		if req.HasComponentPath {
			if err := backend.CheckComponentPath(req.ComponentPath); err != nil {
				return codeResponse(http.StatusBadRequest, "InvalidComponentPath", err.Error())
			}
			component = req.ComponentPath
			rec.Component = component
		}
		if fp, err = backend.ParsePath(req.Path); err != nil {
			return errResponse(backend.BadPathError(req.Path, err))
		}
	case EndpointRun:
		path, ok := req.Path, req.RunPath == ""
		if !ok {
			path, ok = backend.RunPath(req.RunPath)
		}
		if !ok {
			return errResponse(backend.ErrMissingIdentifier())
		}
		if fp, err = backend.ParsePath(path); err != nil {
			return errResponse(backend.BadPathError(path, err))
		}
	case EndpointQueryAtTS:
		var resp *Response
		if at, resp = d.snapshotTS(req.TS); resp != nil {
			return *resp
		}
	}
	rec.Path = fp.String()
	if args, err := canonicalArgs(req.Args); err == nil {
		rec.Args = args
	}
	if resp, done := d.applyFault(ctx, fp.String()); done {
		return resp
	}
	w := d.execute(ctx, req, fp, component, who, at, req.Endpoint == EndpointQueryAtTS)
	return w.finish(req.Format, req.HasFormat, defaultFormat(req))
}

// defaultFormat is the format of a request without "format".
func defaultFormat(req Request) backend.Format {
	return backend.DefaultFormat(req.Endpoint, req.ClientVersion)
}

// execute runs the function (or answers why it cannot) and returns its
// outcome, not yet encoded. snapshot: read at ts, memoised per query.
func (d *Deployment) execute(ctx context.Context, req Request, fp backend.Path, component string, who principal, ts convexclient.Timestamp, snapshot bool) *resultWriter {
	out := &resultWriter{rid: req.RequestID}
	fn, ok := d.lookup(component, fp.String())
	// Internal functions: admin, or acting as a user except on /api/function
	// (any_udf filters with identity.is_admin()).
	admin := who.kind == AuthAdmin || (who.kind == AuthActing && req.Endpoint != EndpointFunction)
	if !ok || (fn.Visibility == convexclient.Internal && !admin) {
		out.fail(backend.NotFoundMessage(fp.Display(), component, req.Endpoint == EndpointRun || req.Endpoint == EndpointFunction), nil)
		return out
	}
	if k := req.kind(); k != 0 && k != fn.Kind {
		out.fail(fmt.Sprintf("Trying to execute %s as %s, but it is defined as %s.", fp.Spec(), k.SpecName(), fn.Kind.SpecName()), nil)
		return out
	}
	if msg := argsLimitError(req.Args); msg != "" {
		out.fail(fmt.Sprintf("Invalid arguments for %s: %s", fp.Spec(), msg), nil)
		return out
	}
	args, err := canonicalArgs(req.Args)
	if err != nil {
		out.fail(fmt.Sprintf("Invalid arguments for %s: %s", fp.Spec(), valueErrText(err)), nil)
		return out
	}
	if n, err := convexSize(args); err != nil || n > maxArgsSize {
		out.fail(fmt.Sprintf("Arguments for %s are too large (actual: %s, limit: 16 MiB)", fp.Spec(), binarySize(n)), nil)
		return out
	}
	if !snapshot {
		ts = d.latestTS()
	}
	key := ""
	if snapshot {
		key = memoKey(component, fp, args, who)
		if w, ok := d.memoGet(ts, key); ok {
			w.rid = req.RequestID
			return w
		}
	}
	call := &Call{Kind: fn.Kind, Path: fp.String(), Component: component, Args: args, Auth: who.kind,
		Identity: who.identity, RequestID: req.RequestID, Timestamp: ts}
	writes := fn.Kind != convexclient.KindQuery
	if writes {
		d.writeMu.RLock() // a batch excludes writes while it reads
	}
	v, err := runHandler(ctx, fn.Handler, call)
	if writes {
		d.bumpWrite()
		d.writeMu.RUnlock()
	}
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
	if snapshot {
		d.memoPut(ts, key, out)
	}
	return out
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
