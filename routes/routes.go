package routes

import (
	"github.com/labstack/echo/v4"
)

// Handler builds the Echo instance: the one route table, every path, method
// and middleware in one place, and the one error handler.
//
// Middleware per route: apiLimit (per-IP API rate limit), requireSession
// (401 without a session; CSRF token + origin check on unsafe methods),
// loadSession (the session if any: the passthrough also takes Bearer tokens
// and anonymous callers). Per-route lists rather than groups: an Echo group
// with middleware also captures the group's unknown paths.
func (a *API) Handler() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler(a.log)
	e.IPExtractor = IPExtractor(a.d.TrustedProxies)

	// Pre runs before routing, so unmatched routes (404/405) get an id too.
	e.Pre(requestID())
	e.Use(
		accessLog(a.log, a.d.Metrics), // outermost after the id: sees the final status
		recoverPanics(a.log),
		securityHeaders(a.d.HSTS),
		cors(a.d.AllowedOrigins),
		bodyLimit(a.d.BodyLimit),
		a.protectPages, // protected page prefixes → /sign-in?redirect=...
	)
	limit, authn, maybe := a.apiLimit, a.requireSession, a.loadSession

	// Operations.
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.metrics)

	// Identity documents for Convex's customJwt provider.
	e.GET("/.well-known/jwks.json", a.jwks)
	e.GET("/.well-known/openid-configuration", a.openIDConfiguration)

	// Auth. login is rate limited per IP inside the handler, after validation.
	e.POST("/api/auth/login", chain(a.login, limit))
	e.POST("/api/auth/logout", chain(a.logout, limit, authn))
	e.GET("/api/auth/session", chain(a.sessionInfo, limit, authn))
	e.GET("/api/auth/token", chain(a.convexToken, limit, authn))

	// The demo app (issue 6): Convex enforces roles and ownership.
	d := a.domainHandlers(a.b)
	e.GET("/api/users/me", chain(d.Me, limit, authn))
	e.GET("/api/users", chain(d.Users.List, limit, authn))
	e.GET("/api/tasks", chain(d.Tasks.List, limit, authn))
	e.POST("/api/tasks", chain(d.Tasks.Create, limit, authn))
	e.PATCH("/api/tasks/:id", chain(d.Tasks.Update, limit, authn))
	e.DELETE("/api/tasks/:id", chain(d.Tasks.Remove, limit, authn))
	e.GET("/api/notifications", chain(d.Notifications.List, limit, authn))
	e.POST("/api/notifications/:id/read", chain(d.MarkRead, limit, authn))
	e.GET("/api/donations/stats", chain(d.DonationStats, limit, authn))
	for prefix, r := range map[string]ResourceHandlers{
		"/api/beneficiaries": d.Beneficiaries, "/api/donations": d.Donations, "/api/meetings": d.Meetings,
	} {
		e.GET(prefix, chain(r.List, limit, authn))
		e.POST(prefix, chain(r.Create, limit, authn))
		e.GET(prefix+"/:id", chain(r.Get, limit, authn))
		e.PATCH(prefix+"/:id", chain(r.Update, limit, authn))
		e.DELETE(prefix+"/:id", chain(r.Remove, limit, authn))
	}

	// Convex-compatible passthrough for the Exposed bindings.
	p := a.passthroughHandlers(a.b.Registry)
	e.POST("/api/query", chain(p.Query, limit, maybe))
	e.POST("/api/mutation", chain(p.Mutation, limit, maybe))
	e.POST("/api/action", chain(p.Action, limit, maybe))
	e.POST("/api/run/*", chain(p.Run, limit, maybe))

	return e
}

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
