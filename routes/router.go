package routes

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
)

// Router is where an app registers its REST routes, beside the gateway's
// own (auth, health, identity documents, passthrough). It offers the
// gateway's middleware as exported pieces and the Convex client with the
// caller's identity, so an app route is a few lines:
//
//	func (app *App) Routes(r *routes.Router) {
//		limit, session := r.RateLimit(), r.RequireSession()
//		r.GET("/api/messages", app.listMessages, limit, session)
//		r.POST("/api/messages", app.sendMessage, limit, session)
//	}
//
//	func (app *App) listMessages(c echo.Context) error {
//		msgs, err := app.b.MessagesList.Call(routes.CallContext(c), routes.ConvexFrom(c), MessagesListArgs{})
//		...
//	}
//
// Middleware given to a route runs in order, the first outermost. A Router
// is valid only while the app's Routes method runs; handlers it registers
// stay valid for the life of the gateway.
type Router struct {
	api *API
	e   *echo.Echo
}

// Add registers h for method and path with the route-level middleware mw.
func (r *Router) Add(method, path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.e.Add(method, path, chain(h, mw...))
}

// GET registers a GET route; see Add.
func (r *Router) GET(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Add(http.MethodGet, path, h, mw...)
}

// POST registers a POST route; see Add.
func (r *Router) POST(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Add(http.MethodPost, path, h, mw...)
}

// PUT registers a PUT route; see Add.
func (r *Router) PUT(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Add(http.MethodPut, path, h, mw...)
}

// PATCH registers a PATCH route; see Add.
func (r *Router) PATCH(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Add(http.MethodPatch, path, h, mw...)
}

// DELETE registers a DELETE route; see Add.
func (r *Router) DELETE(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.Add(http.MethodDelete, path, h, mw...)
}

// RequireSession is the middleware of signed-in routes: 401
// unauthenticated without a valid session cookie; on unsafe methods (POST,
// PUT, PATCH, DELETE) also 403 csrf_failed unless the X-CSRF-Token header
// matches the session and the Origin / Sec-Fetch-Site policy allows the
// request. It slides the session when it is old enough.
func (r *Router) RequireSession() echo.MiddlewareFunc { return r.api.requireSession }

// LoadSession is the middleware of routes open to everyone that behave
// differently for a signed-in caller: it loads a valid session if there is
// one (PrincipalFrom), and never refuses. Pair it with CSRF on unsafe
// routes that act on the session.
func (r *Router) LoadSession() echo.MiddlewareFunc { return r.api.loadSession }

// CSRF checks unsafe methods of a request with a loaded session (after
// LoadSession): X-CSRF-Token and the origin policy, else 403 csrf_failed.
// Requests without a session pass. RequireSession includes it.
func (r *Router) CSRF() echo.MiddlewareFunc {
	a := r.api
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if sess := a.session(c); sess != nil {
				if err := a.checkCSRF(c, sess); err != nil {
					return err
				}
			}
			return next(c)
		}
	}
}

// RateLimit is the per-client-IP API rate limit (API_RATE / API_BURST):
// 429 rate_limited with Retry-After over the limit. A no-op when the API
// limit is off.
func (r *Router) RateLimit() echo.MiddlewareFunc { return r.api.apiLimit }

// Convex is the gateway's Convex client (lazy: it may not be configured;
// calls then fail with convexclient.ErrNotConfigured, answered 503).
func (r *Router) Convex() *convexclient.Client { return r.api.d.Convex }

// Logger is the gateway's logger, named for the app.
func (r *Router) Logger() *zap.Logger { return r.api.log.Named("app") }

// Principal is the signed-in caller, set by the session middleware.
type Principal struct {
	UserID    string
	Role      string
	Name      string
	Email     string
	SessionID string
}

// PrincipalFrom returns the signed-in caller of c, or nil when the request
// has no (loaded) session.
func PrincipalFrom(c echo.Context) *Principal {
	p, _ := c.Get(principalKey).(*Principal)
	return p
}

// CallContext returns the context for Convex calls made for request c: the
// request's context (cancelled when the client goes away), its request id,
// and the caller's Convex credential in the gateway's identity mode (a
// gateway-signed JWT, or the deploy key acting as the user). Without a
// signed-in caller the calls are anonymous; bindings declared Internal use
// the deploy key.
func CallContext(c echo.Context) context.Context {
	if a, ok := c.Get(apiKey).(*API); ok {
		return a.callContext(c)
	}
	ctx := c.Request().Context()
	return convexclient.WithRequestID(ctx, RequestIDFrom(ctx))
}

// ConvexFrom returns the gateway's Convex client for request c (the same
// client as Router.Convex), for handlers that do not keep the router.
func ConvexFrom(c echo.Context) *convexclient.Client {
	if a, ok := c.Get(apiKey).(*API); ok {
		return a.d.Convex
	}
	return nil
}

// JSON writes v as the answer to c, as c.JSON does (encoding/json), except
// that a non-finite float a Convex function returned, which encoding/json
// refuses, is written as Convex's clean JSON export spells it ("NaN",
// "Infinity", "-Infinity") instead of failing the request: a stored value
// must never make its route answer 500.
func JSON(c echo.Context, status int, v any) error {
	if a, ok := c.Get(apiKey).(*API); ok {
		return a.renderJSON(c, status, v)
	}
	return c.JSON(status, v)
}

// renderJSON writes v as encoding/json does for c.JSON (HTML-safe escaping,
// a trailing newline), built in a pooled buffer and written once. A value
// encoding/json refuses (a non-finite float) is written instead with those
// floats spelled "NaN", "Infinity", "-Infinity" as Convex's clean JSON
// export does, every other field as usual (renderNonFinite): a document the
// backend stored must never make its route fail.
func (a *API) renderJSON(c echo.Context, status int, v any) error {
	buf, _ := a.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= 256<<10 {
			buf.Reset()
			a.bufs.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		var uv *json.UnsupportedValueError
		if !errors.As(err, &uv) {
			return err
		}
		out, rerr := renderNonFinite(v)
		if rerr != nil {
			return err
		}
		return blob(c, status, out)
	}
	return blob(c, status, buf.Bytes())
}

// blob writes a JSON answer with its Content-Length: without one, net/http
// sends an answer over 2 KiB (a page of documents) chunked, which costs
// both ends framing work.
func blob(c echo.Context, status int, b []byte) error {
	c.Response().Header()[echo.HeaderContentLength] = []string{strconv.Itoa(len(b))}
	return c.Blob(status, echo.MIMEApplicationJSON, b)
}
