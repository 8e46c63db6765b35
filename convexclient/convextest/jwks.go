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
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

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

// verify checks token in the backend's order: payload, iss, provider
// (iss and aud), JWKS, signature and kid, exp/nbf/iat, sub and exp.
func (p *customJWT) verify(token string) (*convexclient.Identity, error) {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	claims, err := backend.UnverifiedClaims(token)
	if err != nil {
		return nil, authError(backend.ErrUnparsableJWT())
	}
	if iss, _ := claims["iss"].(string); iss == "" {
		return nil, authError(backend.ErrMissingIssuer())
	}
	if !backend.MatchesProvider(claims, p.issuer, p.applicationID) {
		return nil, authError(backend.ErrNoCustomJWTProvider(p.issuer, p.applicationID))
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
		return nil, authError(backend.ErrTokenDecode(kid))
	}
	if msg := backend.TemporalError(claims, now()); msg != "" {
		return nil, authError(backend.ErrTokenValidation(msg))
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return nil, authError(backend.ErrTokenClaims())
	}
	if _, ok := claims["exp"]; !ok {
		return nil, authError(backend.ErrTokenClaims())
	}
	return identityFromClaims(claims), nil
}

func invalidAuth(msg string) *AuthError { return &AuthError{Code: "InvalidAuthHeader", Message: msg} }

// authError is e as an *AuthError.
func authError(e *backend.Error) *AuthError {
	return &AuthError{Status: e.Status, Code: e.Code, Message: e.Message}
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
