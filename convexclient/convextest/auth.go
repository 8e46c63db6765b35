package convextest

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
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

// response is the HTTP answer for e.
func (e *AuthError) response() Response { return codeResponse(e.status(), e.Code, e.Message) }

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

// authHeader is an Authorization header parsed as the backend's
// ExtractAuthenticationToken does, before any secret is checked.
type authHeader struct {
	kind     AuthKind               // AuthNone, AuthUser, AuthAdmin or AuthActing
	value    string                 // trimmed token (AuthUser)
	keyOK    bool                   // AuthAdmin, AuthActing: the key is the configured one
	identity *convexclient.Identity // AuthActing: the identity to act as
}

// Texts of the backend's Authorization header errors
// (convex-backend crates/local_backend/src/authentication.rs,
// crates/authentication/src/lib.rs extract_bearer_token).
var errMalformedActAs = &AuthError{Status: http.StatusBadRequest, Code: "HeaderParseFailure", Message: "Malformed Authorization header."}

// parseAuthHeader applies the backend's syntactic rules, in its order: a
// value that is not visible ASCII → 400 HeaderParseFailure; shorter than 7
// bytes → 400 InvalidHeaderFailure; "Convex <key>[:<base64 identity>]"
// (prefix case-insensitive; a malformed identity → 400 HeaderParseFailure
// "Malformed Authorization header."); "Bearer <token>" (trimmed); anything
// else → 400 InvalidAdminKey. Whether the key is right is decided later, by
// authenticate.
func (d *Deployment) parseAuthHeader(h string) (authHeader, *AuthError) {
	scheme, value, err := backend.ParseAuthorization(h)
	switch {
	case err != nil:
		return authHeader{}, authError(err)
	case scheme == backend.SchemeConvex:
		return d.parseAdminKey(value)
	case scheme == backend.SchemeBearer:
		return authHeader{kind: AuthUser, value: value}, nil
	}
	return authHeader{kind: AuthNone}, nil
}

// parseAdminKey splits "<key>[:<base64 identity>]". The backend splits at
// the first ':' after removing the key's type prefix, which real keys
// ("prod:name|secret") never contain otherwise; a configured key that does
// (test keys such as "dev:k") is recognised first, so it works too.
func (d *Deployment) parseAdminKey(key string) (authHeader, *AuthError) {
	h := authHeader{kind: AuthAdmin, value: key}
	rest, acting := "", false
	if k, r, ok := d.matchKey(key); ok {
		h.keyOK, rest, acting = true, r, k
	} else {
		var k string
		k, rest, acting = strings.Cut(removeTypePrefix(key), ":")
		h.value = k
	}
	if !acting {
		return h, nil
	}
	id, err := convexclient.DecodeIdentity(rest)
	if err != nil {
		return authHeader{}, errMalformedActAs
	}
	h.kind, h.identity = AuthActing, &id
	return h, nil
}

// matchKey reports whether key is the configured deploy key, with or
// without its type prefix, possibly followed by ":<rest>" (acting).
func (d *Deployment) matchKey(key string) (acting bool, rest string, ok bool) {
	want := d.opts.AdminKey
	if want == "" {
		return false, "", false
	}
	for _, w := range []string{want, removeTypePrefix(want), legacyStripType(want)} {
		for _, k := range []string{key, removeTypePrefix(key), legacyStripType(key)} {
			if len(k) < len(w) || subtle.ConstantTimeCompare([]byte(k[:len(w)]), []byte(w)) != 1 {
				continue
			}
			if len(k) == len(w) {
				return false, "", true
			}
			if k[len(w)] == ':' {
				return true, k[len(w)+1:], true
			}
		}
	}
	return false, "", false
}

// legacyStripType removes a "prod:", "dev:" or "preview:" prefix from a key
// without '|' (test keys), which the backend would not strip.
func legacyStripType(k string) string {
	for _, p := range []string{"prod:", "dev:", "preview:"} {
		if strings.HasPrefix(k, p) {
			return k[len(p):]
		}
	}
	return k
}

// removeTypePrefix strips a deploy key's "<type>:" prefix as the backend
// does (crates/common/src/types/admin_key.rs, AdminKey::remove_type_prefix):
// only in a key of the form "<type>:<instance>|<secret>"; "preview:" and
// "project:" keys keep only the part after '|'.
func removeTypePrefix(k string) string {
	instance, secret, ok := strings.Cut(k, "|")
	if !ok {
		return k
	}
	typ, info, ok := strings.Cut(instance, ":")
	if !ok {
		return k
	}
	if strings.EqualFold(typ, "preview") || strings.EqualFold(typ, "project") {
		return secret
	}
	return info + "|" + secret
}

// authenticate verifies the credential of a parsed header.
func (d *Deployment) authenticate(h authHeader) (principal, *AuthError) {
	switch h.kind {
	case AuthNone:
		return principal{kind: AuthNone}, nil
	case AuthUser:
		return d.authenticateToken(h.value)
	}
	if !h.keyOK {
		return principal{}, authError(backend.ErrBadAdminKey())
	}
	if h.kind == AuthAdmin {
		return principal{kind: AuthAdmin}, nil
	}
	id := *h.identity
	if id.TokenIdentifier == "" {
		id.TokenIdentifier = id.Issuer + "|" + id.Subject
	}
	return principal{kind: AuthActing, identity: &id}, nil
}

// authenticateToken verifies a Bearer JWT with Options.VerifyToken, or,
// without one, answers as a backend with no auth provider: the payload is
// parsed first (InvalidAuthHeader), then NoAuthProvider.
func (d *Deployment) authenticateToken(token string) (principal, *AuthError) {
	if d.opts.VerifyToken == nil {
		claims, err := backend.UnverifiedClaims(token)
		if err != nil {
			return principal{}, authError(backend.ErrUnparsableJWT())
		}
		if iss, _ := claims["iss"].(string); iss == "" {
			return principal{}, authError(backend.ErrMissingIssuer())
		}
		return principal{}, authError(backend.ErrNoAuthProviders())
	}
	id, err := d.opts.VerifyToken(token)
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
