package routes

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// The Convex-compatible passthrough: POST /api/query, /api/mutation,
// /api/action and /api/run/{module...}/{function} accept what a Convex
// deployment accepts and answer what it would answer, for the bindings
// the Exposure allows. Every other path, internal functions included, gets
// Convex's own "could not find function" answer, so nothing leaks. Calls go
// through the shared convexclient.Client (breaker, retries, metrics) with the
// caller's identity: a gateway-issued Convex token (Authorization: Bearer),
// else the session cookie (with a CSRF token or a same-origin request), else
// none (the function decides what anonymous callers get).

// maxPassthroughBody is Convex's own request limit (16 MiB + 2000 bytes); the
// gateway's body limit middleware usually refuses earlier.
const maxPassthroughBody = 16<<20 + 2000

// HeaderConvexRequestID is the request id header of the Convex HTTP API.
const HeaderConvexRequestID = "Convex-Request-Id"

// PassthroughHandlers are the passthrough's handlers, for the route table.
// They need the session loaded (loadSession) but not required, and must not
// sit behind requireSession: anonymous callers and bearer tokens are valid.
type PassthroughHandlers struct {
	Query    echo.HandlerFunc // POST /api/query
	Mutation echo.HandlerFunc // POST /api/mutation
	Action   echo.HandlerFunc // POST /api/action
	Run      echo.HandlerFunc // POST /api/run/*
}

// passthroughHandlers builds the passthrough for the functions Deps.Exposure allows.
func (a *API) passthroughHandlers() PassthroughHandlers {
	var tv *tokenVerifier
	if a.d.ConvexTokens != nil {
		tv = newTokenVerifier(a.d.ConvexTokens, a.now)
	}
	h := func(kind convexclient.Kind) echo.HandlerFunc {
		return func(c echo.Context) error { return a.passthrough(c, kind, tv) }
	}
	return PassthroughHandlers{
		Query:    h(convexclient.KindQuery),
		Mutation: h(convexclient.KindMutation),
		Action:   h(convexclient.KindAction),
		Run:      h(0),
	}
}

// passthrough serves one call; kind 0 is /api/run.
func (a *API) passthrough(c echo.Context, kind convexclient.Kind, tv *tokenVerifier) error {
	req := c.Request()
	run := kind == 0
	if herr := checkClientVersion(req.Header.Get("Convex-Client")); herr != nil {
		return herr
	}
	authz, herr := parseAuthorization(req.Header.Get(echo.HeaderAuthorization))
	if herr != nil {
		return herr
	}
	if !jsonContentType(req.Header.Get(echo.HeaderContentType)) {
		return errBadContentType()
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxPassthroughBody+1))
	if err != nil || len(body) > maxPassthroughBody {
		// Convex answers an oversize body with 400 BadJsonBody. (A declared
		// Content-Length over the gateway's body limit is refused earlier by
		// that middleware, in the gateway's error shape.)
		return badJSONBody("Failed to buffer the request body: length limit exceeded")
	}
	call, herr := parseUDFRequest(body, !run)
	if herr != nil {
		return herr
	}
	if run {
		p, ok := convexclient.RunPath(strings.TrimPrefix(req.URL.EscapedPath(), "/api/run/"))
		if !ok {
			return convexHTTPError{http.StatusBadRequest, "MissingIdentifier",
				"Function path must have a module and a function name: " + req.URL.Path, ""}
		}
		call.Path = p
	}
	canon, ok := convexclient.CanonicalPath(call.Path)
	if !ok {
		return convexHTTPError{http.StatusBadRequest, "BadConvexFunctionIdentifier",
			"Invalid function path: " + strconv.Quote(call.Path), ""}
	}
	format, badFormat := resolveFormat(call.Format, run, req.Header.Get("Convex-Client"))
	ctx, err := a.passthroughCtx(c, authz, tv)
	if err != nil {
		return err
	}
	rid := passthroughRequestID(c)
	ctx = convexclient.WithRequestID(ctx, rid)

	if !a.d.Exposure.Allows(canon) {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON,
			missingFunction(rid, strings.TrimSuffix(canon, ":default"), run))
	}
	if run {
		kind = a.d.Exposure.kind(canon)
	}
	// An exposed function called through the wrong endpoint goes to Convex
	// too: it is public, and Convex's "Trying to execute ... as Query"
	// answer is what the caller would get.
	out, err := a.d.Convex.CallRaw(ctx, kind, call.Path, call.Args)
	if err != nil {
		return err // ErrorHandler answers in Convex's shape (toConvexHTTPError)
	}
	if badFormat != nil { // Convex rejects a bad format only after running the function
		return badFormat
	}
	if format != formatEncoded {
		if out, err = convertResponse(out, format); err != nil {
			return badGateway()
		}
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, out)
}

// authorization is a parsed Authorization header: none, or a bearer token.
type authorization struct {
	bearer string // "" when the header is absent
}

// parseAuthorization applies Convex's header rules (convex-wire.md §1):
// shorter than 7 bytes → 400 InvalidHeaderFailure; "Convex <key>" → 401
// BadAdminKey (the gateway never accepts deploy keys from callers);
// anything but "Bearer <token>" → 400 InvalidAdminKey.
func parseAuthorization(h string) (authorization, *convexHTTPError) {
	if h == "" {
		return authorization{}, nil
	}
	if len(h) < 7 {
		e := errShortAuthHeader()
		return authorization{}, &e
	}
	switch strings.ToLower(h[:7]) {
	case "convex ":
		e := errBadAdminKey()
		return authorization{}, &e
	case "bearer ":
		if tok := h[7:]; tok != "" {
			return authorization{bearer: tok}, nil
		}
	}
	e := errInvalidAdminKey()
	return authorization{}, &e
}

// passthroughCtx returns the request context with the caller's Convex
// credential: from a verified gateway-issued bearer token, else from the
// session (CSRF token or same-origin required), else anonymous. It never
// falls back to the client's default (possibly admin) credential.
//
// A bearer token must belong to a live session (its "sid" claim): the
// tokens of a session that signed out or was revoked are refused, even
// before they expire.
func (a *API) passthroughCtx(c echo.Context, authz authorization, tv *tokenVerifier) (context.Context, error) {
	ctx := c.Request().Context()
	if authz.bearer != "" {
		if tv == nil {
			e := errNoAuthProvider()
			return nil, &e
		}
		claims, err := tv.verify(authz.bearer)
		if err != nil {
			e := errInvalidJWT()
			if strings.Count(authz.bearer, ".") != 2 {
				e = errUnparsableJWT()
			}
			return nil, &e
		}
		if err := a.d.Sessions.CheckID(ctx, claims.Subject, claims.SessionID); err != nil {
			if errors.Is(err, auth.ErrStore) {
				return nil, err
			}
			e := errInvalidJWT()
			return nil, &e
		}
		if a.d.IdentityMode == IdentityJWT {
			// Forward the caller's own token: Convex verifies it again.
			return convexclient.WithCredential(ctx, convexclient.UserToken(authz.bearer)), nil
		}
		p := &Principal{UserID: claims.Subject, Role: claims.Role, Name: claims.Name, Email: claims.Email, SessionID: claims.SessionID}
		return convexclient.WithCredential(ctx, convexclient.ActingAs(a.identity(p))), nil
	}
	if sess := a.session(c); sess != nil {
		if !a.sameOriginOrCSRF(c, sess.ID) {
			e := errCSRF()
			return nil, &e
		}
		return a.callContext(c), nil
	}
	return convexclient.WithCredential(ctx, convexclient.Anonymous()), nil
}

// sameOriginOrCSRF accepts a cookie-authenticated passthrough call that
// carries the session's CSRF token or passes the origin policy.
func (a *API) sameOriginOrCSRF(c echo.Context, sessionID string) bool {
	r := c.Request()
	if tok := r.Header.Get(HeaderCSRF); tok != "" && a.d.CSRF.Verify(sessionID, tok) == nil {
		return true
	}
	return a.d.Origins.Check(r.Method, r.Header.Get(echo.HeaderOrigin), r.Referer(),
		r.Header.Get("Sec-Fetch-Site")) == nil
}

// passthroughRequestID is the id Convex would print: the caller's
// Convex-Request-Id when well formed, else the gateway's request id.
func passthroughRequestID(c echo.Context) string {
	if id := c.Request().Header.Get(HeaderConvexRequestID); validRequestID(id) {
		return id
	}
	return RequestIDFrom(c.Request().Context())
}

// passthroughError turns a failed CallRaw into the HTTP answer a Convex
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
