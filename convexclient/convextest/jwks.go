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
// *AuthError with the backend's codes (NoAuthProvider, InvalidAuthHeader).
// An unusable JWKS makes every verification fail.
func JWKSVerifier(jwks []byte, issuer, applicationID string, now func() time.Time) func(string) (*convexclient.Identity, error) {
	keys, jwksErr := parseJWKS(jwks)
	if now == nil {
		now = time.Now
	}
	return func(token string) (*convexclient.Identity, error) {
		if jwksErr != nil {
			return nil, invalidAuth("Could not decode token: " + jwksErr.Error())
		}
		claims, err := unverifiedJWTClaims(token)
		if err != nil {
			return nil, invalidAuth("Could not parse JWT payload. Check that the token is a valid JWT format with three base64 encoded parts, separated by dots.")
		}
		iss, _ := claims["iss"].(string)
		if iss == "" {
			return nil, invalidAuth("Missing issuer claim ('iss') in JWT payload.")
		}
		if normIssuer(iss) != normIssuer(issuer) || (applicationID != "" && !audienceHas(claims["aud"], applicationID)) {
			return nil, &AuthError{Code: "NoAuthProvider", Message: "No auth provider found matching the given token"}
		}
		_, err = jwt.Parse(token, func(t *jwt.Token) (any, error) {
			kid, _ := t.Header["kid"].(string)
			if kid == "" {
				return nil, errors.New("JWT may be missing a 'kid'")
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
			return nil, invalidAuth("Could not decode token: " + err.Error())
		}
		if err := checkJWTClaims(claims, iss, issuer, now()); err != nil {
			return nil, invalidAuth("Could not validate token: " + err.Error())
		}
		return identityFromClaims(claims), nil
	}
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

// checkJWTClaims applies the customJwt claim rules with the 5 s leeway.
func checkJWTClaims(c map[string]any, iss, issuer string, now time.Time) error {
	if normIssuer(iss) != normIssuer(issuer) {
		return fmt.Errorf("Invalid issuer: %s != %s", iss, issuer)
	}
	if sub, _ := c["sub"].(string); sub == "" {
		return errors.New("Missing subject")
	}
	exp, ok, err := numericDate(c, "exp")
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("Missing expiry")
	}
	if now.Sub(exp) > jwtLeeway {
		return errors.New("Token expired")
	}
	if nbf, ok, err := numericDate(c, "nbf"); err != nil {
		return err
	} else if ok && nbf.Sub(now) > jwtLeeway {
		return errors.New("Token not yet valid (nbf)")
	}
	if iat, ok, err := numericDate(c, "iat"); err != nil {
		return err
	} else if ok && iat.Sub(now) > jwtLeeway {
		return errors.New("Token issued in the future (iat)")
	}
	return nil
}

func numericDate(c map[string]any, name string) (time.Time, bool, error) {
	v, ok := c[name]
	if !ok {
		return time.Time{}, false, nil
	}
	f, ok := v.(float64)
	if !ok {
		return time.Time{}, false, fmt.Errorf("claim %s is not a number", name)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true, nil
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
