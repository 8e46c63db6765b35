package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
)

// convexLeeway is the clock skew Convex allows on exp, nbf and iat. Convex
// rejects only when now-exp > 5s; jwt/v5 rejects at now >= exp+leeway, hence
// the extra nanosecond where it is used.
const convexLeeway = 5 * time.Second

// ConvexTokenConfig configures ConvexTokens. Zero fields take the defaults noted.
type ConvexTokenConfig struct {
	// Issuer is the gateway's public URL (http or https, no query); a
	// trailing "/" is dropped. Convex's customJwt provider must name the
	// same issuer.
	Issuer string
	// Audience is the "aud" claim and the provider's applicationID (default "convex").
	Audience string
	// TTL is the token lifetime (default 10 minutes).
	TTL time.Duration
	// Signing signs new tokens. Required unless Ephemeral is set.
	Signing *SigningKey
	// Verifying are extra public keys published in the JWKS and accepted by
	// Verify during a rotation. Keep one algorithm across a rotation: a
	// Convex customJwt provider names a single algorithm.
	Verifying []*SigningKey
	// Ephemeral, for development only, generates an ES256 signing key when
	// Signing is nil and logs a loud warning: tokens die with the process
	// and replicas disagree.
	Ephemeral bool
	// Logger receives that warning (default no-op).
	Logger *zap.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// TokenUser is who a Convex identity token speaks for.
type TokenUser struct {
	// Subject is the user id ("sub"); Convex's tokenIdentifier is "<iss>|<sub>".
	Subject, Name, Email, Role string
	// SessionID is the gateway session the token is issued for ("sid"
	// claim). Set it, so that a verifier can refuse the token once that
	// session is revoked (Sessions.CheckID); empty omits the claim.
	SessionID string
}

// TokenClaims are the verified claims of a Convex identity token.
type TokenClaims struct {
	KeyID, Issuer, Subject string    // header kid; iss and sub claims
	Audience               []string  // aud claim
	Name, Email, Role      string    // profile claims, empty when absent
	SessionID              string    // sid claim, empty when absent
	IssuedAt, ExpiresAt    time.Time // iat and exp claims
}

type convexClaims struct {
	Issuer    string `json:"iss"`
	Subject   string `json:"sub"`
	Audience  string `json:"aud"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Role      string `json:"role,omitempty"`
	SessionID string `json:"sid,omitempty"`
}

// The jwt.Claims methods are only used for signing; Verify parses into
// verifyClaims.
func (c convexClaims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (c convexClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (c convexClaims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (c convexClaims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c convexClaims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c convexClaims) GetAudience() (jwt.ClaimStrings, error) {
	return jwt.ClaimStrings{c.Audience}, nil
}

type verifyClaims struct {
	jwt.RegisteredClaims
	Name      string `json:"name"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	SessionID string `json:"sid"`
}

// ConvexTokens issues short-lived RS256/ES256 tokens that a Convex customJwt
// provider accepts, verifies them, and serves the JWKS and OpenID discovery
// documents. It is safe for concurrent use.
type ConvexTokens struct {
	cfg       ConvexTokenConfig
	keys      map[string]*SigningKey
	parser    *jwt.Parser
	method    jwt.SigningMethod
	jwks      []byte
	discovery []byte
	provider  []byte
}

// NewConvexTokens validates cfg and returns ConvexTokens. Errors match
// ErrConfig or ErrInvalidKey and list every problem.
func NewConvexTokens(cfg ConvexTokenConfig) (*ConvexTokens, error) {
	if cfg.Audience == "" {
		cfg.Audience = "convex"
	}
	if cfg.TTL == 0 {
		cfg.TTL = 10 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...))
	}
	u, err := url.Parse(cfg.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad("convex token: issuer must be an http(s) URL, got %q", cfg.Issuer)
	}
	cfg.Issuer = strings.TrimRight(cfg.Issuer, "/")
	if cfg.TTL < 0 {
		bad("convex token: TTL must be positive")
	}
	if cfg.Signing == nil && cfg.Ephemeral && len(errs) == 0 {
		k, err := GenerateSigningKey(AlgES256)
		if err != nil {
			return nil, err
		}
		cfg.Signing = k
		cfg.Logger.Warn("NO CONVEX SIGNING KEY CONFIGURED: generated an ephemeral ES256 key; tokens die with this process and replicas will not accept each other's tokens. Configure a PEM key outside development.",
			zap.String("kid", k.Kid))
	}
	if cfg.Signing == nil || !cfg.Signing.CanSign() {
		bad("convex token: a private signing key is required")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	t := &ConvexTokens{cfg: cfg, keys: map[string]*SigningKey{}, method: jwt.GetSigningMethod(cfg.Signing.Alg)}
	var jwks []json.RawMessage
	algs := map[string]bool{}
	for _, k := range append([]*SigningKey{cfg.Signing}, cfg.Verifying...) {
		if k == nil || t.keys[k.Kid] != nil {
			continue
		}
		t.keys[k.Kid] = k
		algs[k.Alg] = true
		jwks = append(jwks, k.JWK())
	}
	methods := make([]string, 0, len(algs))
	for _, a := range []string{AlgES256, AlgRS256} {
		if algs[a] {
			methods = append(methods, a)
		}
	}
	t.parser = jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithIssuer(cfg.Issuer), jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(convexLeeway+time.Nanosecond), jwt.WithTimeFunc(cfg.Now))
	t.jwks, _ = json.Marshal(map[string]any{"keys": jwks})
	t.discovery, _ = json.Marshal(map[string]any{
		"issuer":                                cfg.Issuer,
		"jwks_uri":                              t.JWKSURL(),
		"response_types_supported":              []string{"id_token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{cfg.Signing.Alg},
		"claims_supported":                      []string{"iss", "sub", "aud", "iat", "exp", "name", "email", "role", "sid"},
	})
	t.provider, _ = json.Marshal(map[string]string{
		"type": "customJwt", "issuer": cfg.Issuer, "jwks": t.JWKSURL(),
		"algorithm": cfg.Signing.Alg, "applicationID": cfg.Audience,
	})
	return t, nil
}

// Issue signs a token for u, valid for TTL, and returns it with its expiry.
// The header carries kid; the claims are iss, sub, aud, iat, exp and the
// non-empty ones of name, email, role and sid (u.SessionID). Cache tokens
// per session, not per user, so a token never outlives its session's
// revocation by more than the verifier's check. Signing costs about 0.05 ms
// (ES256) or 1–2 ms (RS256): callers may cache a token until shortly before exp.
func (t *ConvexTokens) Issue(u TokenUser) (string, time.Time, error) {
	if u.Subject == "" {
		return "", time.Time{}, fmt.Errorf("%w: convex token: subject is required", ErrConfig)
	}
	now := t.cfg.Now().UTC().Truncate(time.Second)
	exp := now.Add(t.cfg.TTL)
	tok := jwt.NewWithClaims(t.method, convexClaims{
		Issuer: t.cfg.Issuer, Subject: u.Subject, Audience: t.cfg.Audience,
		IssuedAt: now.Unix(), ExpiresAt: exp.Unix(), Name: u.Name, Email: u.Email, Role: u.Role,
		SessionID: u.SessionID,
	})
	tok.Header["kid"] = t.cfg.Signing.Kid
	s, err := tok.SignedString(t.cfg.Signing.private)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: signing convex token: %w", err)
	}
	return s, exp, nil
}

// Verify checks a token as Convex would: kid present and known, alg equal to
// that key's, signature, iss equal to Issuer, aud containing Audience, sub,
// exp (required) and iat with 5 s leeway. Errors match ErrInvalidToken.
// It does not know sessions: a caller that must refuse tokens of revoked
// sessions checks TokenClaims.SessionID with Sessions.CheckID (and refuses
// tokens without one).
func (t *ConvexTokens) Verify(token string) (TokenClaims, error) {
	var c verifyClaims
	var kid string
	_, err := t.parser.ParseWithClaims(token, &c, func(tok *jwt.Token) (any, error) {
		kid, _ = tok.Header["kid"].(string)
		k := t.keys[kid]
		if k == nil || tok.Method.Alg() != k.Alg {
			return nil, errUnknownKid
		}
		return k.public, nil
	})
	if err != nil {
		return TokenClaims{}, fmt.Errorf("%w: %w", ErrInvalidToken, jwtCause(err))
	}
	if c.Subject == "" || c.IssuedAt == nil {
		return TokenClaims{}, fmt.Errorf("%w: %w", ErrInvalidToken, errMissingClaim)
	}
	return TokenClaims{
		KeyID: kid, Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience,
		Name: c.Name, Email: c.Email, Role: c.Role, SessionID: c.SessionID,
		IssuedAt: c.IssuedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC(),
	}, nil
}

// Issuer returns the normalised issuer URL.
func (t *ConvexTokens) Issuer() string { return t.cfg.Issuer }

// JWKSURL returns Issuer + "/.well-known/jwks.json", where routes serve JWKS.
func (t *ConvexTokens) JWKSURL() string { return t.cfg.Issuer + "/.well-known/jwks.json" }

// JWKS returns the JSON Web Key Set of every public key (signing key first).
// Serve it with Content-Type application/json. The slice must not be modified.
func (t *ConvexTokens) JWKS() []byte { return t.jwks }

// Discovery returns the OpenID configuration document (issuer, jwks_uri,
// id_token_signing_alg_values_supported, ...) served at
// Issuer + "/.well-known/openid-configuration". The slice must not be modified.
func (t *ConvexTokens) Discovery() []byte { return t.discovery }

// ProviderConfig returns the customJwt provider entry for the Convex
// deployment's auth.config.ts, as JSON.
func (t *ConvexTokens) ProviderConfig() []byte { return t.provider }
