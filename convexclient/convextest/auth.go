package convextest

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// AuthError is an authentication failure answered at the HTTP level with
// {"code","message"}. VerifyToken functions may return it to choose the
// answer; Status 0 means 401.
type AuthError struct {
	Status  int
	Code    string
	Message string
}

// Error implements error.
func (e *AuthError) Error() string { return e.Code + ": " + e.Message }

func (e *AuthError) status() int {
	if e.Status == 0 {
		return http.StatusUnauthorized
	}
	return e.Status
}

// principal is the authenticated caller of one request.
type principal struct {
	kind     AuthKind
	identity *convexclient.Identity
}

// authHeader is an Authorization header split syntactically (no secrets
// checked yet).
type authHeader struct {
	kind  AuthKind // AuthNone, AuthUser (token) or AuthAdmin (key, maybe acting)
	value string   // token or key[:identity]
}

// parseAuthHeader applies the backend's syntactic rules: shorter than 7
// bytes → 400 InvalidHeaderFailure; not "Convex <x>" or "Bearer <non-empty>"
// (prefix case-insensitive) → 400 InvalidAdminKey.
func parseAuthHeader(h string) (authHeader, *AuthError) {
	if h == "" {
		return authHeader{kind: AuthNone}, nil
	}
	if len(h) < 7 {
		return authHeader{}, &AuthError{Status: 400, Code: "InvalidHeaderFailure", Message: "Invalid Authorization header: too short"}
	}
	switch strings.ToLower(h[:7]) {
	case "convex ":
		return authHeader{kind: AuthAdmin, value: h[7:]}, nil
	case "bearer ":
		if h[7:] != "" {
			return authHeader{kind: AuthUser, value: h[7:]}, nil
		}
	}
	return authHeader{}, &AuthError{Status: 400, Code: "InvalidAdminKey", Message: "Invalid admin key"}
}

var badAdminKey = &AuthError{Code: "BadAdminKey", Message: "The provided admin key was invalid for this instance"}

// authenticate verifies the credential of a parsed header.
func (d *Deployment) authenticate(h authHeader) (principal, *AuthError) {
	switch h.kind {
	case AuthNone:
		return principal{kind: AuthNone}, nil
	case AuthUser:
		if d.opts.VerifyToken == nil {
			return principal{}, &AuthError{Code: "NoAuthProvider", Message: "No auth provider found matching the given token"}
		}
		id, err := d.opts.VerifyToken(h.value)
		if err != nil {
			var ae *AuthError
			if errors.As(err, &ae) {
				return principal{}, ae
			}
			return principal{}, &AuthError{Code: "InvalidAuthHeader", Message: "Could not verify token: " + err.Error()}
		}
		if id == nil {
			return principal{}, &AuthError{Code: "InvalidAuthHeader", Message: "Could not verify token"}
		}
		cp := *id
		if cp.TokenIdentifier == "" {
			cp.TokenIdentifier = cp.Issuer + "|" + cp.Subject
		}
		return principal{kind: AuthUser, identity: &cp}, nil
	}
	want := stripKeyType(d.opts.AdminKey)
	got := stripKeyType(h.value)
	if want == "" {
		return principal{}, badAdminKey
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return principal{kind: AuthAdmin}, nil
	}
	if len(got) > len(want) && got[len(want)] == ':' &&
		subtle.ConstantTimeCompare([]byte(got[:len(want)]), []byte(want)) == 1 {
		id, err := convexclient.DecodeIdentity(got[len(want)+1:])
		if err != nil {
			return principal{}, &AuthError{Status: 400, Code: "InvalidActingIdentity", Message: "The identity to act as is not valid base64 JSON"}
		}
		if id.TokenIdentifier == "" {
			if id.Issuer == "" || id.Subject == "" {
				return principal{}, &AuthError{Status: 400, Code: "InvalidActingIdentity", Message: "The identity to act as needs tokenIdentifier, or issuer and subject"}
			}
			id.TokenIdentifier = id.Issuer + "|" + id.Subject
		}
		return principal{kind: AuthActing, identity: &id}, nil
	}
	return principal{}, badAdminKey
}

// stripKeyType removes a deploy key's "prod:"/"dev:"/"preview:" type prefix,
// which the backend ignores.
func stripKeyType(k string) string {
	for _, p := range []string{"prod:", "dev:", "preview:"} {
		if strings.HasPrefix(k, p) {
			return k[len(p):]
		}
	}
	return k
}

var semverRe = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// checkClientVersion applies the backend's Convex-Client header rules: no
// '-' → 400 InvalidClientVersion; npm-<non-semver> → 400
// ClientVersionUnsupported. Unknown client names are accepted.
func checkClientVersion(v string) *AuthError {
	if v == "" {
		return nil
	}
	name, ver, ok := strings.Cut(v, "-")
	if !ok {
		return &AuthError{Status: 400, Code: "InvalidClientVersion", Message: "Invalid client version: " + v}
	}
	if strings.EqualFold(name, "npm") && !semverRe.MatchString(ver) && !strings.HasPrefix(strings.ToLower(ver), "cli-") {
		return &AuthError{Status: 400, Code: "ClientVersionUnsupported", Message: "Unsupported client version: " + v}
	}
	return nil
}
