package routes

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// authorization is a parsed Authorization header of a passthrough call.
type authorization struct {
	scheme backend.Scheme
	bearer string // the trimmed token (SchemeBearer)
}

// parseAuthorization applies Convex's syntax rules to the header
// (backend.ParseAuthorization); whether the credential is good is decided
// by identity, after the path, as Convex does.
func parseAuthorization(h string) (authorization, *backend.Error) {
	s, v, err := backend.ParseAuthorization(h)
	if err != nil {
		return authorization{}, err
	}
	a := authorization{scheme: s}
	if s == backend.SchemeBearer {
		a.bearer = v
	}
	return a, nil
}

// identity authenticates the caller and returns the request context with
// its Convex credential and the request id: from a verified gateway-issued
// bearer token, else from the session (CSRF token or same-origin
// required), else anonymous. It never falls back to the client's default
// (possibly admin) credential. A deploy key from the caller is refused
// (401 BadAdminKey) whatever it is: the gateway holds the only one.
//
// A bearer token must belong to a live session (its "sid" claim): the
// tokens of a session that signed out or was revoked are refused, even
// before they expire.
func (p *passthrough) identity(c echo.Context, req request) (context.Context, error) {
	ctx := convexclient.WithRequestID(c.Request().Context(), req.rid)
	switch req.authz.scheme {
	case backend.SchemeConvex:
		return nil, backend.ErrBadAdminKey()
	case backend.SchemeBearer:
		claims, err := p.verifyBearer(req.authz.bearer)
		if err != nil {
			return nil, err
		}
		if err := p.a.d.Sessions.CheckID(ctx, claims.Subject, claims.SessionID); err != nil {
			if errors.Is(err, auth.ErrStore) {
				return nil, err
			}
			return nil, backend.ErrTokenClaims()
		}
		if p.a.d.IdentityMode == IdentityJWT {
			// Forward the caller's own token: Convex verifies it again.
			return convexclient.WithCredential(ctx, convexclient.UserToken(req.authz.bearer)), nil
		}
		pr := &Principal{UserID: claims.Subject, Role: claims.Role, Name: claims.Name, Email: claims.Email, SessionID: claims.SessionID}
		return convexclient.WithCredential(ctx, p.a.actingAs(pr)), nil
	}
	if sess := p.a.session(c); sess != nil {
		if !p.a.sameOriginOrCSRF(c, sess.ID) {
			e := errCSRF()
			return nil, &e
		}
		if pr := PrincipalFrom(c); pr != nil {
			return p.a.withIdentity(ctx, pr), nil
		}
	}
	return convexclient.WithCredential(ctx, convexclient.Anonymous()), nil
}

// verifyBearer checks a bearer token as a deployment whose one auth
// provider is the gateway's customJwt would (convex-wire.md §6), with the
// backend's codes and texts: an unparsable payload, a missing iss, a
// foreign issuer or audience (401 NoAuthProvider), then the signature and
// kid ("Could not decode token..."), exp/nbf/iat with 5 s leeway ("Could
// not validate token: ..."). One divergence: auth.ConvexTokens.Verify does
// not say which check failed, so a token that is both forged and expired
// gets the expiry text where Convex would give the signature one.
func (p *passthrough) verifyBearer(token string) (auth.TokenClaims, error) {
	if p.tv == nil {
		return auth.TokenClaims{}, backend.ErrNoAuthProviders()
	}
	if tc, ok := p.tv.cached(token); ok {
		return tc, nil
	}
	claims, err := backend.UnverifiedClaims(token)
	if err != nil {
		return auth.TokenClaims{}, backend.ErrUnparsableJWT()
	}
	if iss, _ := claims["iss"].(string); iss == "" {
		return auth.TokenClaims{}, backend.ErrMissingIssuer()
	}
	if !backend.MatchesProvider(claims, p.tv.issuer, p.tv.audience) {
		return auth.TokenClaims{}, backend.ErrNoCustomJWTProvider(p.tv.issuer, p.tv.audience)
	}
	tc, err := p.tv.verify(token)
	if err != nil {
		if detail := backend.TemporalError(claims, p.tv.now()); detail != "" {
			return auth.TokenClaims{}, backend.ErrTokenValidation(detail)
		}
		return auth.TokenClaims{}, backend.ErrTokenDecode(backend.UnverifiedKid(token))
	}
	return tc, nil
}

// providerAudience reads the applicationID of the gateway's customJwt
// provider entry ("" when there is none).
func providerAudience(t *auth.ConvexTokens) string {
	var cfg struct {
		ApplicationID string `json:"applicationID"`
	}
	_ = json.Unmarshal(t.ProviderConfig(), &cfg)
	return cfg.ApplicationID
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
