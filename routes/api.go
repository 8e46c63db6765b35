// Package routes holds the gateway's HTTP surface: the one route table, the
// handlers, the middleware built from auth primitives and the single Echo
// error handler.
package routes

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// Context keys of the values the session middleware stores.
const (
	principalKey   = "convexgw.principal"
	sessionKey     = "convexgw.session"
	apiKey         = "convexgw.api"
	convexShapeKey = "convexgw.convex_shape"
)

// Identity modes (mirror gateway.IdentityJWT / IdentityAdmin).
const (
	IdentityJWT   = "jwt"
	IdentityAdmin = "admin"
)

// Secondary runs work a response must not wait for, as named tasks with
// JSON-serialisable arguments (never a closure: with Redis another replica
// may run the task). The kinds the routes enqueue, and their functions, are
// listed by API.Tasks; the runner must know them. Enqueue returns quickly
// (it may write to Redis) and reports false when the task was dropped,
// which the runner has logged. ctx supplies values only (the request id).
type Secondary interface {
	Enqueue(ctx context.Context, kind string, args any) bool
}

// Metrics receives the observations routes make. Implemented by package gateway.
type Metrics interface {
	RequestObserver
	// LoginOutcome counts a login attempt: success, invalid_credentials,
	// locked, rate_limited, invalid_request, busy, email_unverified, error.
	LoginOutcome(outcome string)
}

// CSRF issues and checks CSRF tokens bound to a session id (auth.CSRF).
type CSRF interface {
	Token(sessionID string) string
	Verify(sessionID, token string) error
}

// OriginChecker refuses cross-site unsafe requests (auth.OriginPolicy).
type OriginChecker interface {
	Check(method, origin, referer, secFetchSite string) error
}

// LoginGuard admits login attempts (auth.LoginGuard): the per-IP and
// per-account rate limits and the lockout, counted atomically before the
// password is checked. Begin fails with *auth.RateLimitError,
// *auth.LockedError, or an error matching auth.ErrStore.
type LoginGuard interface {
	Begin(ctx context.Context, account, ip string) (*auth.Attempt, error)
}

// RateLimiter applies a named policy to a key (auth.Limiter; keys are
// auth.ClientKey of the client IP).
type RateLimiter interface {
	Allow(ctx context.Context, policy, key string) (auth.Decision, error)
}

// Check is one readiness check: nil when ready, else why not. It must
// return quickly and respect ctx.
type Check struct {
	Name string
	Fn   func(ctx context.Context) (detail string, err error)
}

// Deps are the collaborators of the routes, wired by package gateway.
// Optional fields say what their zero value means.
type Deps struct {
	Logger *zap.Logger          // nil means zap.NewNop()
	Convex *convexclient.Client // required (may be lazy and unconfigured)
	// Accounts is the login contract (accounts.Convex by default, wired by
	// package gateway). Nil: POST /api/auth/login answers 503.
	Accounts accounts.Accounts
	// Exposure says which functions the passthrough serves; nil serves none.
	Exposure *Exposure
	// IdentityMode is IdentityJWT (a token from ConvexTokens) or IdentityAdmin
	// (the deploy key acting as the user). Zero means IdentityAdmin.
	IdentityMode string
	PublicURL    string // issuer of Convex tokens, base of redirects

	Passwords    *auth.Passwords    // required
	Sessions     *auth.Sessions     // required
	ConvexTokens *auth.ConvexTokens // nil: no /api/auth/token, no JWKS (admin mode only)
	CSRF         CSRF               // required (auth.CSRF)
	Origins      OriginChecker      // required (auth.OriginPolicy)
	// LoginGuard admits login attempts (limits and lockout); required.
	LoginGuard LoginGuard
	// Limiter holds the policy PolicyAPI (used when APIRateLimit is set)
	// and the account flows' policies (PolicySignUpIP, ...) of the flows
	// switched on. Nil: the flows are not rate limited.
	Limiter RateLimiter
	// Flows configures the account flows (sign-up, invitations, email
	// verification, password reset and change); the zero value has them
	// off.
	Flows AccountFlows

	Secondary      Secondary    // nil: secondary work runs inline in a goroutine-free no-op (dropped)
	Metrics        Metrics      // nil: no metrics
	MetricsHandler http.Handler // served at /metrics; nil: 404
	Checks         []Check      // readiness checks for /readyz
	// CheckTimeout is the deadline of each readiness check, and so of
	// /readyz. Zero means 2s.
	CheckTimeout time.Duration

	AllowedOrigins    []string     // CORS with credentials
	TrustedProxies    []*net.IPNet // see IPExtractor
	ProtectedPrefixes []string     // page prefixes that redirect to /sign-in without a session
	BodyLimit         int64        // bytes; 0 means 1 MiB
	HSTS              bool         // send Strict-Transport-Security
	APIRateLimit      bool         // apply PolicyAPI to every /api route

	Now func() time.Time // nil means time.Now
}

// Rate-limit policy names the Limiter must know.
const (
	PolicyLogin        = auth.PolicyLoginIP
	PolicyLoginAccount = auth.PolicyLoginAccount
	PolicyAPI          = auth.PolicyAPIIP
)

// API is the set of HTTP handlers. Build it with NewAPI; it is safe for
// concurrent use once built.
type API struct {
	d      Deps
	log    *zap.Logger
	now    func() time.Time
	tokens *tokenCache
	// sessions remembers verified session tokens (verifySession);
	// credentials the acting-as credential per user (withIdentity).
	sessions    *ttlCache[string, auth.Session]
	credentials *ttlCache[identityKey, convexclient.Credential]
	bufs        sync.Pool // *bytes.Buffer of renderJSON
}

// NewAPI builds the API from its dependencies. It does no I/O.
func NewAPI(d Deps) *API {
	a := &API{d: d, log: d.Logger, now: d.Now}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	a.log = a.log.Named("routes")
	if a.now == nil {
		a.now = time.Now
	}
	if a.d.BodyLimit <= 0 {
		a.d.BodyLimit = 1 << 20
	}
	if a.d.IdentityMode == "" {
		a.d.IdentityMode = IdentityAdmin
	}
	a.sessions = newTTLCache[string, auth.Session](maxCachedSessions)
	a.credentials = newTTLCache[identityKey, convexclient.Credential](maxCachedCredentials)
	if d.ConvexTokens != nil {
		a.tokens = newTokenCache(d.ConvexTokens, a.now)
	}
	return a
}

// callContext returns the request context carrying the request id and the
// caller's Convex credential for the configured identity mode: a cached
// gateway-signed JWT (jwt) or the deploy key acting as the user (admin).
// Without a principal the call is anonymous (Internal bindings still use
// the deploy key).
func (a *API) callContext(c echo.Context) context.Context {
	ctx := c.Request().Context()
	ctx = convexclient.WithRequestID(ctx, RequestIDFrom(ctx))
	p := PrincipalFrom(c)
	if p == nil {
		return ctx
	}
	return a.withIdentity(ctx, p)
}

// withIdentity attaches p's credential to ctx per the identity mode.
func (a *API) withIdentity(ctx context.Context, p *Principal) context.Context {
	if a.d.IdentityMode == IdentityJWT && a.tokens != nil {
		cred, err := a.tokens.credential(p)
		if err != nil {
			// Anonymous: Convex answers UNAUTHENTICATED, mapped to 401.
			a.log.Error("issuing convex token", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
			return ctx
		}
		return convexclient.WithCredential(ctx, cred)
	}
	return convexclient.WithCredential(ctx, a.actingAs(p))
}

// credentialTTL bounds how long an acting-as credential is reused;
// maxCachedCredentials bounds how many are kept (see ttlCache).
const (
	credentialTTL        = 10 * time.Minute
	maxCachedCredentials = 10000
)

// identityKey is what the acting-as identity of a Principal depends on.
type identityKey struct{ userID, role, name, email string }

// actingAs returns the deploy-key-acting-as-p credential, built (base64
// identity JSON) once per user and reused: the identity depends only on
// the Principal's user fields, so any change of them builds a new one.
func (a *API) actingAs(p *Principal) convexclient.Credential {
	k := identityKey{p.UserID, p.Role, p.Name, p.Email}
	now := a.now()
	if cred, ok := a.credentials.get(k, now); ok {
		return cred
	}
	cred := convexclient.ActingAs(a.identity(p))
	a.credentials.put(k, cred, now.Add(credentialTTL), now)
	return cred
}

// identity is the Convex identity of p: subject = the user's _id.
func (a *API) identity(p *Principal) convexclient.Identity {
	return convexclient.Identity{
		Subject:         p.UserID,
		Issuer:          a.d.PublicURL,
		TokenIdentifier: a.d.PublicURL + "|" + p.UserID,
		Name:            p.Name,
		Email:           p.Email,
		Custom:          map[string]any{"role": p.Role},
	}
}
