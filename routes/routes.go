package routes

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// Handler builds the Echo instance: the gateway's route table (every path,
// method and middleware of its own in one place), then the routes each app
// registers on a Router, and the one error handler.
//
// Middleware per route: apiLimit (per-IP API rate limit), requireSession
// (401 without a session; CSRF token + origin check on unsafe methods),
// loadSession (the session if any: the passthrough also takes Bearer tokens
// and anonymous callers). Per-route lists rather than groups: an Echo group
// with middleware also captures the group's unknown paths.
func (a *API) Handler(apps ...func(*Router)) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler(a.log)
	e.IPExtractor = IPExtractor(a.d.TrustedProxies)

	// Pre runs before routing, so unmatched routes (404/405) get an id too.
	e.Pre(requestID(), a.bind)
	e.Use(
		accessLog(a.log, a.d.Metrics), // outermost after the id: sees the final status
		recoverPanics(a.log),
		securityHeaders(a.d.HSTS),
		cors(a.d.AllowedOrigins),
		bodyLimit(a.d.BodyLimit, maxPassthroughBody),
		a.protectPages, // protected page prefixes → /sign-in?redirect=...
	)
	limit, authn, maybe := a.apiLimit, a.requireSession, a.loadSession

	// Operations: a bare liveness check. Readiness details and metrics are
	// on the admin listener (AdminHandler).
	e.GET("/healthz", a.healthz)

	// Identity documents for Convex's customJwt provider.
	e.GET("/.well-known/jwks.json", a.jwks)
	e.GET("/.well-known/openid-configuration", a.openIDConfiguration)

	// Auth. Besides the API limit, login has its own per-IP and per-account
	// limits and the lockout (LoginGuard), counted after validation.
	e.POST("/api/auth/login", chain(a.login, limit))
	e.POST("/api/auth/logout", chain(a.logout, a.clearCookiesOnError, limit, authn))
	e.GET("/api/auth/session", chain(a.sessionInfo, limit, authn))
	e.GET("/api/auth/token", chain(a.convexToken, limit, authn))
	e.GET("/api/auth/sessions", chain(a.listSessions, limit, authn))
	e.DELETE("/api/auth/sessions/:id", chain(a.revokeSession, limit, authn))
	e.POST("/api/auth/sessions/revoke-others", chain(a.revokeOtherSessions, limit, authn))

	// Account flows (AccountFlows; each answers 404 not_enabled when it is
	// off). The routes without a session apply the origin policy and their
	// own per-IP and per-email limits, failing closed.
	e.POST("/api/auth/sign-up", chain(a.signUp, limit))
	e.POST("/api/auth/verify-email", chain(a.verifyEmail, limit))
	e.POST("/api/auth/verify-email/resend", chain(a.resendVerification, limit))
	e.POST("/api/auth/forgot-password", chain(a.forgotPassword, limit))
	e.POST("/api/auth/reset-password", chain(a.resetPassword, limit))
	e.POST("/api/auth/accept-invitation", chain(a.acceptInvitation, limit))
	e.POST("/api/auth/change-password", chain(a.changePassword, limit, authn))
	e.POST("/api/admin/invitations", chain(a.invite, limit, authn))

	// Convex-compatible passthrough for the exposed functions. Every error
	// of these paths, the shared middleware's included, is answered in
	// Convex's {"code","message"} shape (see convexShaped).
	p := a.passthroughHandlers()
	e.POST("/api/query", chain(p.Query, limit, maybe))
	e.POST("/api/mutation", chain(p.Mutation, limit, maybe))
	e.POST("/api/action", chain(p.Action, limit, maybe))
	e.POST("/api/run/*", chain(p.Run, limit, maybe))
	e.POST("/api/query_ts", chain(p.QueryTS, limit))
	e.POST("/api/query_at_ts", chain(p.QueryAtTS, limit, maybe))
	e.POST("/api/query_batch", chain(p.QueryBatch, limit, maybe))
	e.POST("/api/function", chain(p.Function, limit, maybe))

	// The apps' routes.
	r := &Router{api: a, e: e}
	for _, app := range apps {
		app(r)
	}
	return e
}

// AdminHandler builds the admin listener's Echo instance (ADMIN_ADDR,
// loopback by default): /healthz, /readyz with the checks' details (breaker
// states, what is not configured) and /metrics. They stay off the public
// listener, which shows only a bare /healthz.
func (a *API) AdminHandler() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler(a.log)
	e.Pre(requestID())
	e.Use(recoverPanics(a.log))
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.metrics)
	return e
}

// bind makes the API reachable from a request (CallContext) and marks the
// passthrough's requests, whose errors take Convex's shape.
func (a *API) bind(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(apiKey, a)
		if passthroughPath(c.Request().URL.Path) {
			c.Set(convexShapeKey, true)
		}
		return next(c)
	}
}

// passthroughPath reports whether path is one of the Convex HTTP API's
// function routes, which the passthrough owns.
func passthroughPath(path string) bool {
	switch path {
	case "/api/query", "/api/mutation", "/api/action", "/api/function",
		"/api/query_ts", "/api/query_at_ts", "/api/query_batch":
		return true
	}
	return strings.HasPrefix(path, "/api/run/")
}

// convexShaped reports whether c's errors take Convex's shape.
func convexShaped(c echo.Context) bool { return c.Get(convexShapeKey) != nil }

// chain wraps h in route-level middleware once, when the route table is
// built: Echo v4 re-applies the middleware given to e.GET and friends on
// every request (a closure per middleware per request). The order is Echo's:
// the first middleware is the outermost.
func chain(h echo.HandlerFunc, mw ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
