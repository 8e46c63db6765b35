package convextest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/convexgw/convexgw/convexclient"
)

// jwtLeeway is Convex's tolerance on exp, nbf and iat for custom JWTs.
const jwtLeeway = 5 * time.Second

// jwk is one parsed key of a JWKS.
type jwk struct {
	kid, alg string
	key      crypto.PublicKey
}

// JWKSVerifier returns an Options.VerifyToken that checks Bearer JWTs as a
// Convex customJwt provider configured with this JWKS, issuer and
// applicationID ("" = no audience check) does (convex-wire.md §6): alg
// RS256 or ES256 only, matching the key type and the JWK's alg if set; kid
// required and matching a key; iss, sub and exp required; aud containing
// applicationID; exp, nbf and iat checked with a 5 s leeway against now.
// The identity has tokenIdentifier "<iss>|<sub>", name and email, and every
// other claim in Custom (nested objects flattened to dotted keys). Errors are
// *AuthError with the backend's codes and texts (NoAuthProvider,
// InvalidAuthHeader; convex-backend crates/authentication/src/lib.rs
// validate_id_token, crates/keybroker/src/broker.rs from_custom_jwt, and
// biscuit's ValidationError texts). An unusable JWKS makes every
// verification fail.
func JWKSVerifier(jwks []byte, issuer, applicationID string, now func() time.Time) func(string) (*convexclient.Identity, error) {
	keys, err := parseJWKS(jwks)
	var keysErr *AuthError
	if err != nil {
		keysErr = invalidAuth("Invalid JWKS response body from 'data:'. The response is not valid JSON or doesn't match the expected JWKS format.")
	}
	p := &customJWT{issuer: issuer, applicationID: applicationID, now: now,
		keys: func() ([]jwk, *AuthError) { return keys, keysErr }}
	return p.verify
}

// customJWT is one customJwt auth provider.
type customJWT struct {
	issuer, applicationID string
	now                   func() time.Time
	keys                  func() ([]jwk, *AuthError) // the provider's JWKS, fetched when needed
}

// Texts of token failures before a provider is chosen.
var (
	errUnparsableJWT = invalidAuth("Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.")
	errMissingIssuer = invalidAuth("Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers.")
)

// noProvidersMessage is NoAuthProvider's text on a deployment without auth providers.
const noProvidersMessage = "No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts."

// verify checks token in the backend's order: payload, iss, provider
// (iss and aud), JWKS, signature and kid, exp/nbf/iat, sub and exp.
func (p *customJWT) verify(token string) (*convexclient.Identity, error) {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	claims, err := unverifiedJWTClaims(token)
	if err != nil {
		return nil, errUnparsableJWT
	}
	iss, _ := claims["iss"].(string)
	if iss == "" {
		return nil, errMissingIssuer
	}
	if normIssuer(iss) != normIssuer(p.issuer) || (p.applicationID != "" && !audienceHas(claims["aud"], p.applicationID)) {
		app := p.applicationID
		if app == "" {
			app = "none"
		}
		return nil, &AuthError{Code: "NoAuthProvider", Message: "No auth provider found matching the given token. " +
			"Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=" + normIssuer(p.issuer) + ", app_id=" + app + ")]"}
	}
	keys, aerr := p.keys()
	if aerr != nil {
		return nil, aerr
	}
	kid := ""
	_, err = jwt.Parse(token, func(t *jwt.Token) (any, error) {
		kid, _ = t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("kid missing")
		}
		alg, _ := t.Header["alg"].(string)
		for _, k := range keys {
			if k.kid != kid {
				continue
			}
			if k.alg != "" && k.alg != alg {
				return nil, fmt.Errorf("token alg %s does not match key alg %s", alg, k.alg)
			}
			if !keyFitsAlg(k.key, alg) {
				return nil, fmt.Errorf("key %s cannot verify %s", kid, alg)
			}
			return k.key, nil
		}
		return nil, fmt.Errorf("no key with kid %q", kid)
	}, jwt.WithValidMethods([]string{"RS256", "ES256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		if kid == "" {
			return nil, invalidAuth("Could not decode token. JWT may be missing a 'kid' (key ID) header.")
		}
		return nil, invalidAuth("Could not decode token. The JWT's 'kid' (key ID) header is '" + kid + "', does this key match any key in the provider's JWKS?")
	}
	if msg := temporalError(claims, now()); msg != "" {
		return nil, invalidAuth("Could not validate token: " + msg)
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return nil, errBadClaims
	}
	if _, ok := claims["exp"]; !ok {
		return nil, errBadClaims
	}
	return identityFromClaims(claims), nil
}

// errBadClaims is the backend's answer to a verified token without sub or exp.
var errBadClaims = invalidAuth("Could not verify token claim. Check that the JWT contains valid claims and matches your auth provider configuration.")

// temporalError applies biscuit's exp, nbf and iat checks with Convex's 5 s
// leeway (times in whole seconds) and returns its message, or "".
func temporalError(c map[string]any, now time.Time) string {
	sec := now.Unix()
	if exp, ok := intClaim(c, "exp"); ok && sec-exp > int64(jwtLeeway/time.Second) {
		return "Token expired " + strconv.FormatInt(sec-exp, 10) + " seconds ago"
	}
	if nbf, ok := intClaim(c, "nbf"); ok && nbf-sec > int64(jwtLeeway/time.Second) {
		return "Token will be valid in " + strconv.FormatInt(nbf-sec, 10) + " seconds"
	}
	if iat, ok := intClaim(c, "iat"); ok && iat-sec > int64(jwtLeeway/time.Second) {
		return "Token will be valid in " + strconv.FormatInt(iat-sec, 10) + " seconds"
	}
	return ""
}

func intClaim(c map[string]any, name string) (int64, bool) {
	f, ok := c[name].(float64)
	return int64(f), ok
}

func invalidAuth(msg string) *AuthError { return &AuthError{Code: "InvalidAuthHeader", Message: msg} }

// unverifiedJWTClaims decodes a JWT's payload without verifying it.
func unverifiedJWTClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not three parts")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(b, &claims); err != nil || claims == nil {
		return nil, errors.New("payload is not a JSON object")
	}
	// Registered claims are typed in biscuit: a wrong type fails the parse.
	for _, k := range []string{"exp", "nbf", "iat"} {
		if v, ok := claims[k]; ok {
			if f, isNum := v.(float64); !isNum || f != float64(int64(f)) {
				return nil, fmt.Errorf("claim %s is not an integer", k)
			}
		}
	}
	for _, k := range []string{"iss", "sub", "jti"} {
		if v, ok := claims[k]; ok {
			if _, isStr := v.(string); !isStr {
				return nil, fmt.Errorf("claim %s is not a string", k)
			}
		}
	}
	return claims, nil
}

// normIssuer applies the backend's issuer comparison: https:// added when
// there is no scheme, trailing '/' ignored.
func normIssuer(s string) string {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return strings.TrimRight(s, "/")
}

func audienceHas(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, x := range a {
			if s, _ := x.(string); s == want {
				return true
			}
		}
	}
	return false
}

// identityFromClaims builds the identity Convex derives from a custom JWT.
func identityFromClaims(c map[string]any) *convexclient.Identity {
	id := &convexclient.Identity{}
	id.Issuer, _ = c["iss"].(string)
	id.Subject, _ = c["sub"].(string)
	id.TokenIdentifier = id.Issuer + "|" + id.Subject
	custom := map[string]any{}
	for k, v := range c {
		switch k {
		case "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "fva":
		case "name":
			id.Name, _ = v.(string)
		case "email":
			id.Email, _ = v.(string)
		default:
			flattenClaim(custom, k, v)
		}
	}
	if len(custom) > 0 {
		id.Custom = custom
	}
	return id
}

func flattenClaim(dst map[string]any, key string, v any) {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			flattenClaim(dst, key+"."+k, x)
		}
		return
	}
	dst[key] = v
}

func keyFitsAlg(k crypto.PublicKey, alg string) bool {
	switch key := k.(type) {
	case *rsa.PublicKey:
		return alg == "RS256"
	case *ecdsa.PublicKey:
		return alg == "ES256" && key.Curve == elliptic.P256()
	}
	return false
}

// parseJWKS reads RSA and P-256 EC keys from a JWKS document.
func parseJWKS(data []byte) ([]jwk, error) {
	var doc struct {
		Keys []struct {
			Kty, Kid, Alg, Crv, N, E, X, Y string
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("invalid JWKS: %w", err)
	}
	var out []jwk
	for _, k := range doc.Keys {
		switch k.Kty {
		case "RSA":
			n, err1 := base64.RawURLEncoding.DecodeString(k.N)
			e, err2 := base64.RawURLEncoding.DecodeString(k.E)
			if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
				return nil, fmt.Errorf("invalid JWKS: RSA key %q", k.Kid)
			}
			pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
			out = append(out, jwk{kid: k.Kid, alg: k.Alg, key: pub})
		case "EC":
			x, err1 := base64.RawURLEncoding.DecodeString(k.X)
			y, err2 := base64.RawURLEncoding.DecodeString(k.Y)
			if k.Crv != "P-256" || err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
				return nil, fmt.Errorf("invalid JWKS: EC key %q", k.Kid)
			}
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
			if err != nil {
				return nil, fmt.Errorf("invalid JWKS: EC key %q: %w", k.Kid, err)
			}
			out = append(out, jwk{kid: k.Kid, alg: k.Alg, key: pub})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("JWKS has no RSA or P-256 keys")
	}
	return out, nil
}
