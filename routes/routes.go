package routes

import (
	"github.com/labstack/echo/v4"
)

// Handler builds the Echo instance: the one route table, every path, method
// and middleware in one place, and the one error handler.
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

	// Operations.
	e.GET("/healthz", a.healthz)
	e.GET("/readyz", a.readyz)
	e.GET("/metrics", a.metrics)

	// Identity documents for Convex's customJwt provider.
	e.GET("/.well-known/jwks.json", a.jwks)
	e.GET("/.well-known/openid-configuration", a.openIDConfiguration)

	// Auth. login is rate limited per IP inside the handler, after validation.
	e.POST("/api/auth/login", a.login, a.apiLimit)
	e.POST("/api/auth/logout", a.logout, a.apiLimit, a.requireSession)
	e.GET("/api/auth/session", a.sessionInfo, a.apiLimit, a.requireSession)
	e.GET("/api/auth/token", a.convexToken, a.apiLimit, a.requireSession)

	// Domain routes and the Convex passthrough (issue 6) are listed here as
	// they land.

	return e
}
