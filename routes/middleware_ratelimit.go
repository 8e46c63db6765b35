package routes

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
)

// allow applies policy to the client IP: nil when allowed, a 429
// rate_limited *Error with Retry-After when not. A failing state store
// fails open for the general API policy (logged) and closed for login.
func (a *API) allow(ctx context.Context, policy, ip string) error {
	d, err := a.d.Limiter.Allow(ctx, policy, auth.ClientKey(ip))
	if err != nil {
		if policy == PolicyLogin {
			return fmt.Errorf("rate limit %s: %w", policy, err)
		}
		a.log.Warn("rate limiter failed open", zap.String("policy", policy),
			zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
		return nil
	}
	if !d.Allowed {
		return &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message: "Too many requests; slow down.", RetryAfter: d.RetryAfter}
	}
	return nil
}

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
