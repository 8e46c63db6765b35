package routes

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// The Convex-compatible passthrough serves the eight function routes of the
// Convex HTTP API (POST only; GET /api/query is not served): /api/query,
// /api/mutation, /api/action, /api/run/{module...}/{function},
// /api/query_ts, /api/query_at_ts, /api/query_batch and /api/function. It
// accepts what a deployment accepts and answers what it would answer, with
// the backend's own checks, order and texts (package convexclient/backend,
// which the fake deployment shares), for the functions the Exposure allows.
// Every other function, internal ones included, gets Convex's own "could
// not find function" answer, so nothing leaks. Calls go through the shared
// convexclient.Client (breakers, retries, metrics) with the caller's
// identity: a gateway-issued Convex token (Authorization: Bearer), else the
// session cookie (with a CSRF token or a same-origin request), else none
// (the function decides what anonymous callers get). The gateway never
// accepts a deploy key from a caller, so /api/function, which needs one,
// always answers 403 BadDeployKey.

// maxPassthroughBody is Convex's own request limit (16 MiB + 2000 bytes),
// which the body limit middleware applies to the passthrough's routes.
const maxPassthroughBody = backend.MaxBodyBytes

// HeaderConvexRequestID is the request id header of the Convex HTTP API.
const HeaderConvexRequestID = "Convex-Request-Id"

// PassthroughHandlers are the passthrough's handlers, for the route table.
// They need the session loaded (loadSession) but not required, and must not
// sit behind requireSession: anonymous callers and bearer tokens are valid.
type PassthroughHandlers struct {
	Query      echo.HandlerFunc // POST /api/query
	Mutation   echo.HandlerFunc // POST /api/mutation
	Action     echo.HandlerFunc // POST /api/action
	Run        echo.HandlerFunc // POST /api/run/*
	QueryTS    echo.HandlerFunc // POST /api/query_ts
	QueryAtTS  echo.HandlerFunc // POST /api/query_at_ts
	QueryBatch echo.HandlerFunc // POST /api/query_batch
	Function   echo.HandlerFunc // POST /api/function
}

// passthrough is the state the handlers share.
type passthrough struct {
	a  *API
	tv *tokenVerifier // nil without ConvexTokens
}

// passthroughHandlers builds the passthrough for the functions Deps.Exposure allows.
func (a *API) passthroughHandlers() PassthroughHandlers {
	p := &passthrough{a: a}
	if a.d.ConvexTokens != nil {
		p.tv = newTokenVerifier(a.d.ConvexTokens, a.now)
	}
	call := func(kind convexclient.Kind, endpoint string) echo.HandlerFunc {
		return func(c echo.Context) error { return p.call(c, kind, endpoint) }
	}
	return PassthroughHandlers{
		Query:      call(convexclient.KindQuery, backend.EndpointQuery),
		Mutation:   call(convexclient.KindMutation, backend.EndpointMutation),
		Action:     call(convexclient.KindAction, backend.EndpointAction),
		Run:        p.run,
		QueryTS:    p.queryTS,
		QueryAtTS:  p.queryAtTS,
		QueryBatch: p.queryBatch,
		Function:   p.function,
	}
}

// request is a passthrough request after the checks every function route
// makes before its own: client version, Authorization syntax, Content-Type,
// size and body.
type request struct {
	body   backend.Body
	authz  authorization
	client string // Convex-Client header
	rid    string // the request id Convex would print
}

// begin makes the checks of every function route, in the backend's order:
// the client-version middleware (refusal, or deprecation headers on every
// answer), the Authorization header's syntax, the Content-Type, the size
// and the JSON of the body as endpoint's struct.
func (p *passthrough) begin(c echo.Context, endpoint string) (request, error) {
	r := c.Request()
	req := request{client: r.Header.Get("Convex-Client"), rid: passthroughRequestID(c)}
	if err := clientVersion(c, req.client); err != nil {
		return req, err
	}
	var herr *backend.Error
	if req.authz, herr = parseAuthorization(r.Header.Get(echo.HeaderAuthorization)); herr != nil {
		return req, herr
	}
	if !backend.JSONContentType(r.Header.Get(echo.HeaderContentType)) {
		return req, backend.ErrBadContentType()
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxPassthroughBody+1))
	if err != nil || len(raw) > maxPassthroughBody {
		return req, backend.ErrBodyTooLarge()
	}
	if req.body, herr = backend.DecodeBody(endpoint, raw); herr != nil {
		return req, herr
	}
	return req, nil
}

// clientVersion applies the Convex-Client rules: a refusal is the error;
// deprecation headers go on whatever answer follows.
func clientVersion(c echo.Context, header string) error {
	cv := backend.CheckClientVersion(header)
	cv.SetHeaders(c.Response().Header())
	if cv.Err != nil {
		return cv.Err
	}
	return nil
}

// format resolves the response format of a request: the one asked for, or
// the endpoint's default for this client. A bad one comes back as the
// error to answer after the function ran, as Convex does.
func format(endpoint, f string, has bool, client string) (backend.Format, *backend.Error) {
	if !has {
		return backend.DefaultFormat(endpoint, client), nil
	}
	out, ok := backend.ParseFormat(f)
	if !ok {
		return backend.FormatEncoded, backend.BadFormatError(f)
	}
	return out, nil
}

// call serves /api/query, /api/mutation and /api/action: path, identity,
// exposure, the call, then the format.
func (p *passthrough) call(c echo.Context, kind convexclient.Kind, endpoint string) error {
	req, err := p.begin(c, endpoint)
	if err != nil {
		return err
	}
	fp, perr := backend.ParsePath(req.body.Path)
	if perr != nil {
		return backend.BadPathError(req.body.Path, perr)
	}
	ctx, err := p.identity(c, req)
	if err != nil {
		return err
	}
	if !p.a.d.Exposure.Allows(fp.String()) {
		return p.missing(c, req, endpoint, fp)
	}
	// An exposed function called through the wrong endpoint goes to Convex
	// too: it is public, and Convex's "Trying to execute ... as Query"
	// answer is what the caller would get.
	out, err := p.a.d.Convex.CallRaw(ctx, kind, fp.String(), req.body.Args)
	if err != nil {
		return err // ErrorHandler answers in Convex's shape (toConvexHTTPError)
	}
	return p.result(c, out, endpoint, req.body.Format, req.body.HasFormat, req.client)
}

// run serves /api/run/{module...}/{function}: the backend's /api/run, so
// the function's own kind decides. The URL path is decoded twice, as the
// backend does (the router once, then each segment), and fewer than two
// segments is 400 MissingIdentifier, checked after authentication.
func (p *passthrough) run(c echo.Context) error {
	req, err := p.begin(c, backend.EndpointRun)
	if err != nil {
		return err
	}
	ctx, err := p.identity(c, req)
	if err != nil {
		return err
	}
	path, ok := backend.RunPath(strings.TrimPrefix(c.Request().URL.EscapedPath(), backend.EndpointRun+"/"))
	if !ok {
		return backend.ErrMissingIdentifier()
	}
	fp, perr := backend.ParsePath(path)
	if perr != nil {
		return backend.BadPathError(path, perr)
	}
	if !p.a.d.Exposure.Allows(fp.String()) {
		return p.missing(c, req, backend.EndpointRun, fp)
	}
	out, err := p.a.d.Convex.RunRaw(ctx, fp.String(), req.body.Args)
	if err != nil {
		return err
	}
	return p.result(c, out, backend.EndpointRun, req.body.Format, req.body.HasFormat, req.client)
}

// function serves /api/function, which needs the deploy key: after the
// body and the caller's authentication, every caller of the gateway gets
// Convex's 403 BadDeployKey.
func (p *passthrough) function(c echo.Context) error {
	req, err := p.begin(c, backend.EndpointFunction)
	if err != nil {
		return err
	}
	if _, err := p.identity(c, req); err != nil {
		return err
	}
	return backend.ErrBadDeployKey()
}

// missing answers a function the Exposure does not allow as Convex answers
// a missing one: its format is checked first (Convex checks it after
// running, and a missing function "runs"), then 200 with the not-found
// text in the endpoint's wording.
func (p *passthrough) missing(c echo.Context, req request, endpoint string, fp backend.Path) error {
	if _, bad := format(endpoint, req.body.Format, req.body.HasFormat, req.client); bad != nil {
		return bad
	}
	return missingFunction(c, req.rid, fp, endpoint == backend.EndpointRun)
}

// result answers a function response body (convex_encoded_json) from the
// backend in the request's format; a bad format is answered now, after the
// function ran, as Convex does.
func (p *passthrough) result(c echo.Context, out []byte, endpoint, f string, has bool, client string) error {
	fm, bad := format(endpoint, f, has, client)
	if bad != nil {
		return bad
	}
	if fm != backend.FormatEncoded {
		var err error
		if out, err = convertResult(nil, out, fm); err != nil {
			return badGateway()
		}
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, out)
}

// passthroughRequestID is the id Convex would print: the caller's
// Convex-Request-Id when well formed, else the gateway's request id.
func passthroughRequestID(c echo.Context) string {
	if id := c.Request().Header.Get(HeaderConvexRequestID); validRequestID(id) {
		return id
	}
	return RequestIDFrom(c.Request().Context())
}

// passthroughError turns a failed call into the HTTP answer a Convex
// client understands: the backend's own {"code","message"} and status when it
// sent one, else a Convex-like 5xx.
func passthroughError(err error) convexHTTPError {
	var he *convexclient.HTTPError
	var ue *convexclient.UnavailableError
	switch {
	case errors.As(err, &he):
		code := he.Code
		if code == "" {
			code = "BackendError"
		}
		return convexHTTPError{he.Status, code, he.Message, ""}
	case errors.As(err, &ue):
		ra := int((ue.RetryAfter + 999_999_999) / 1_000_000_000)
		return convexHTTPError{http.StatusServiceUnavailable, "BackendUnavailable",
			"The Convex backend is unavailable. Try again later.", strconv.Itoa(max(ra, 1))}
	case errors.Is(err, convexclient.ErrNotConfigured):
		msg := "The Convex backend is not configured."
		var ce *convexclient.ConfigError
		if errors.As(err, &ce) && ce.Setting != "" {
			msg = "The Convex backend is not configured: set " + ce.Setting + "."
		}
		return convexHTTPError{http.StatusServiceUnavailable, "BackendNotConfigured", msg, ""}
	case errors.Is(err, convexclient.ErrTimeout):
		return convexHTTPError{http.StatusGatewayTimeout, "BackendTimeout",
			"The Convex backend did not answer in time.", ""}
	case errors.Is(err, convexclient.ErrInvalidRequest):
		return badJSONBody("Invalid request")
	}
	return badGateway()
}

func badGateway() convexHTTPError {
	return convexHTTPError{http.StatusBadGateway, "BackendError", "The Convex backend failed to answer.", ""}
}
