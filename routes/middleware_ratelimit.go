package routes

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
)

// apiLimit applies PolicyAPI per client IP to a route (when enabled) and
// reports the remaining budget.
func (a *API) apiLimit(next echo.HandlerFunc) echo.HandlerFunc {
	if !a.d.APIRateLimit {
		return next
	}
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		d, err := a.d.Limiter.Allow(ctx, PolicyAPI, auth.ClientKey(c.RealIP()))
		if err != nil {
			a.log.Warn("rate limiter failed open", zap.String("policy", PolicyAPI),
				zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
			return next(c)
		}
		c.Response().Header().Set("X-RateLimit-Remaining", strconv.Itoa(d.Remaining))
		if !d.Allowed {
			return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
				Message: "Too many requests; slow down.", RetryAfter: d.RetryAfter}
		}
		return next(c)
	}
}
