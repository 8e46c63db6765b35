package routes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// HeaderRequestID carries the request id in and out.
const HeaderRequestID = "X-Request-Id"

type requestIDKey struct{}

// RequestIDFrom returns the request id stored in ctx by the request-id
// middleware, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying id, as the request-id middleware does.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// requestID keeps a well-formed incoming X-Request-Id (1–64 of [A-Za-z0-9._-])
// or makes a new one, echoes it in the response and stores it in the request
// context, from where it reaches logs and Convex (Convex-Request-Id).
func requestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			id := req.Header.Get(HeaderRequestID)
			if !validRequestID(id) {
				id = newRequestID()
			}
			c.Response().Header().Set(HeaderRequestID, id)
			c.SetRequest(req.WithContext(WithRequestID(req.Context(), id)))
			return next(c)
		}
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// recoverPanics turns a handler panic into a 500 internal_error, logging the
// panic and stack with the request id.
func recoverPanics(log *zap.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				r := recover()
				if r == nil {
					return
				}
				if r == http.ErrAbortHandler {
					panic(r)
				}
				log.Error("panic in handler", zap.String("request_id", RequestIDFrom(c.Request().Context())),
					zap.String("panic", fmt.Sprint(r)), zap.ByteString("stack", debug.Stack()))
				err = &Error{Status: http.StatusInternalServerError, Code: CodeInternal,
					Message: "Something went wrong.", Err: fmt.Errorf("panic: %v", r)}
			}()
			return next(c)
		}
	}
}

// RequestObserver receives one observation per request (metrics).
type RequestObserver interface {
	ObserveRequest(method, route string, status int, elapsed time.Duration)
}

// accessLog writes one zap line per request: request id, method, route,
// path (never the query: it may carry tokens), status, latency, client IP.
// Cookies and Authorization are never logged. Errors go through the error
// handler first, so the status is the one sent.
func accessLog(log *zap.Logger, obs RequestObserver) echo.MiddlewareFunc {
	// The caller of every access line is this function: annotating it
	// would capture a stack per request for nothing.
	log = log.WithOptions(zap.WithCaller(false))
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError:  true,
		LogStatus:    true,
		LogLatency:   true,
		LogMethod:    true,
		LogRoutePath: true,
		LogURIPath:   true,
		LogRemoteIP:  true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			route := v.RoutePath
			if route == "" {
				route = "unmatched"
			}
			if obs != nil {
				obs.ObserveRequest(v.Method, route, v.Status, v.Latency)
			}
			lvl := zapcore.InfoLevel
			if v.Status >= 500 {
				lvl = zapcore.ErrorLevel
			}
			// Check first: a disabled or sampled-out line costs no fields.
			ce := log.Check(lvl, "request")
			if ce == nil {
				return nil
			}
			var buf [8]zap.Field
			fields := append(buf[:0],
				zap.String("request_id", RequestIDFrom(c.Request().Context())),
				zap.String("method", v.Method), zap.String("route", route), zap.String("path", v.URIPath),
				zap.Int("status", v.Status), zap.Duration("latency", v.Latency), zap.String("remote_ip", v.RemoteIP))
			if p, _ := c.Get(principalKey).(*Principal); p != nil {
				fields = append(fields, zap.String("user_id", p.UserID))
			}
			ce.Write(fields...)
			return nil
		},
	})
}

// securityHeaders sets conservative headers on every response. The values
// are built once and shared (read-only, capacity 1, so an Add copies):
// Header.Set would allocate a slice per header per response.
func securityHeaders(hsts bool) echo.MiddlewareFunc {
	fixed := [][2]string{
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Cache-Control", "no-store"},
	}
	if hsts {
		fixed = append(fixed, [2]string{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"})
	}
	type header struct {
		key string
		val []string
	}
	headers := make([]header, len(fixed))
	for i, kv := range fixed {
		headers[i] = header{http.CanonicalHeaderKey(kv[0]), []string{kv[1]}[:1:1]}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			for _, hv := range headers {
				h[hv.key] = hv.val
			}
			return next(c)
		}
	}
}

// cors allows the configured origins to call with credentials.
func cors(origins []string) echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:     origins,
		AllowMethods:     []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete},
		AllowHeaders:     []string{echo.HeaderContentType, HeaderCSRF, HeaderRequestID, echo.HeaderAuthorization, "Convex-Client"},
		ExposeHeaders:    []string{HeaderRequestID, echo.HeaderRetryAfter},
		AllowCredentials: true,
		MaxAge:           600,
	})
}

// bodyLimit caps request bodies: n bytes on the gateway's own routes (the
// error handler answers 413 body_too_large), passthrough bytes on the
// Convex-compatible passthrough (Convex's own limit, answered as Convex
// does: 400 BadJsonBody).
func bodyLimit(n, passthrough int64) echo.MiddlewareFunc {
	rest := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: fmt.Sprintf("%dB", n), Skipper: convexShaped})
	pt := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: fmt.Sprintf("%dB", passthrough), Skipper: func(c echo.Context) bool { return !convexShaped(c) }})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return rest(pt(next))
	}
}

// IPExtractor returns the client-IP rule: the TCP peer, unless trusted proxies
// are given, then the nearest X-Forwarded-For entry not in them. Loopback,
// link-local and private ranges are trusted only when listed.
func IPExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
