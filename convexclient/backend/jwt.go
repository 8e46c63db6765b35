package backend

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// How the backend refuses a Bearer token (validate_id_token in
// crates/authentication/src/lib.rs; biscuit's ValidationError texts), in
// its order: the payload is read unverified (UnverifiedClaims: else
// ErrUnparsableJWT), "iss" is required (ErrMissingIssuer), a provider must
// match iss and aud (else NoAuthProvider), then the signature and kid
// (ErrTokenDecode), then exp/nbf/iat with a 5 s leeway (TemporalError), then
// sub and exp (ErrTokenClaims). Every answer is 401 InvalidAuthHeader unless
// said otherwise.

// JWTLeeway is Convex's tolerance on exp, nbf and iat for custom JWTs.
const JWTLeeway = 5 * time.Second

func invalidAuth(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "InvalidAuthHeader", Message: msg}
}

// ErrUnparsableJWT is the answer to a token whose payload does not parse.
func ErrUnparsableJWT() *Error {
	return invalidAuth("Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.")
}

// ErrMissingIssuer is the answer to a token without "iss".
func ErrMissingIssuer() *Error {
	return invalidAuth("Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers.")
}

// ErrNoAuthProviders is the answer to any token on a deployment without
// auth providers (401 NoAuthProvider).
func ErrNoAuthProviders() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "NoAuthProvider",
		Message: "No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts."}
}

// ErrNoCustomJWTProvider is the answer to a token whose iss (or aud) matches
// no provider on a deployment whose only provider is the customJwt one with
// issuer and applicationID ("" = none): 401 NoAuthProvider, listing it.
func ErrNoCustomJWTProvider(issuer, applicationID string) *Error {
	if applicationID == "" {
		applicationID = "none"
	}
	return &Error{Status: http.StatusUnauthorized, Code: "NoAuthProvider", Message: "No auth provider found matching the given token. " +
		"Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=" + NormIssuer(issuer) + ", app_id=" + applicationID + ")]"}
}

// ErrTokenDecode is the answer to a token whose signature, alg or kid
// (kid = the header's, "" when absent) does not verify.
func ErrTokenDecode(kid string) *Error {
	if kid == "" {
		return invalidAuth("Could not decode token. JWT may be missing a 'kid' (key ID) header.")
	}
	return invalidAuth("Could not decode token. The JWT's 'kid' (key ID) header is '" + kid + "', does this key match any key in the provider's JWKS?")
}

// ErrTokenValidation is the answer to a verified token that TemporalError
// refuses with detail.
func ErrTokenValidation(detail string) *Error {
	return invalidAuth("Could not validate token: " + detail)
}

// ErrTokenClaims is the answer to a verified token without sub or exp.
func ErrTokenClaims() *Error {
	return invalidAuth("Could not verify token claim. Check that the JWT contains valid claims and matches your auth provider configuration.")
}

// TemporalError applies biscuit's exp, nbf and iat checks with Convex's 5 s
// leeway (times in whole seconds) to claims (as UnverifiedClaims returns
// them) and returns the detail for ErrTokenValidation, or "".
func TemporalError(c map[string]any, now time.Time) string {
	sec := now.Unix()
	leeway := int64(JWTLeeway / time.Second)
	if exp, ok := intClaim(c, "exp"); ok && sec-exp > leeway {
		return "Token expired " + strconv.FormatInt(sec-exp, 10) + " seconds ago"
	}
	if nbf, ok := intClaim(c, "nbf"); ok && nbf-sec > leeway {
		return "Token will be valid in " + strconv.FormatInt(nbf-sec, 10) + " seconds"
	}
	if iat, ok := intClaim(c, "iat"); ok && iat-sec > leeway {
		return "Token will be valid in " + strconv.FormatInt(iat-sec, 10) + " seconds"
	}
	return ""
}

func intClaim(c map[string]any, name string) (int64, bool) {
	f, ok := c[name].(float64)
	return int64(f), ok
}

// UnverifiedClaims decodes a JWT's payload without verifying anything else,
// as the backend reads it to choose a provider: three dot-separated parts,
// the second base64url (unpadded) JSON object, exp/nbf/iat integers and
// iss/sub/jti strings when present. Numbers come back as float64. The
// error is for logs; the answer is ErrUnparsableJWT.
func UnverifiedClaims(token string) (map[string]any, error) {
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

// UnverifiedKid returns the "kid" of a JWT's header without verifying
// anything ("" when absent or unreadable), for ErrTokenDecode.
func UnverifiedKid(token string) string {
	head, _, ok := strings.Cut(token, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Kid string `json:"kid"`
	}
	_ = json.Unmarshal(b, &h)
	return h.Kid
}

// NormIssuer applies the backend's issuer comparison: https:// added when
// there is no scheme, trailing '/' ignored.
func NormIssuer(s string) string {
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return strings.TrimRight(s, "/")
}

// MatchesProvider reports whether unverified claims select the customJwt
// provider with issuer and applicationID ("" = no audience check), as
// AuthInfo::matches_token does: equal issuers (NormIssuer) and, with an
// applicationID, an "aud" (string or array) containing it.
func MatchesProvider(claims map[string]any, issuer, applicationID string) bool {
	iss, _ := claims["iss"].(string)
	if NormIssuer(iss) != NormIssuer(issuer) {
		return false
	}
	if applicationID == "" {
		return true
	}
	switch a := claims["aud"].(type) {
	case string:
		return a == applicationID
	case []any:
		for _, x := range a {
			if s, _ := x.(string); s == applicationID {
				return true
			}
		}
	}
	return false
}
