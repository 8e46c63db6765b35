package convextest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// CanonicalPath returns a function path in the form recordings use:
// "module:function" with any ".js" module extension removed and the default
// export spelled out ("messages" → "messages:default").
func CanonicalPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return "", errors.New("empty function path")
	}
	mod, fn, ok := strings.Cut(p, ":")
	if !ok {
		fn = "default"
	}
	mod = strings.TrimSuffix(mod, ".js")
	if mod == "" || fn == "" || strings.Contains(fn, ":") {
		return "", fmt.Errorf("bad function path %q", p)
	}
	return mod + ":" + fn, nil
}

// CanonicalArgs returns the canonical Convex JSON of a request's args: the
// object form (a legacy one-element array [{...}] is unwrapped, [] is {})
// re-printed with convexclient.AppendCanonical.
func CanonicalArgs(raw []byte) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(raw, &arr); err != nil {
			return nil, fmt.Errorf("args: %w", err)
		}
		switch len(arr) {
		case 0:
			raw = []byte("{}")
		case 1:
			raw = bytes.TrimSpace(arr[0])
		default:
			return nil, fmt.Errorf("args: %d positional args, want one object", len(arr))
		}
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("args must be an object")
	}
	out, err := convexclient.AppendCanonical(nil, raw)
	if err != nil {
		return nil, fmt.Errorf("args: %w", err)
	}
	return out, nil
}

// Credential is what an Authorization header carries, split into the parts a
// recording keeps (Kind, Subject) and the parts it never keeps (Key, Token).
type Credential struct {
	Kind     AuthKind
	Subject  string                 // identity subject (user, acting)
	Key      string                 // deploy/admin key (admin, acting); secret
	Token    string                 // bearer JWT (user); secret
	Identity *convexclient.Identity // acting-as identity
}

// ParseAuthorization classifies an Authorization header value:
// "" → none; "Bearer <jwt>" → user with the token's unverified "sub";
// "Convex <key>" → admin; "Convex <key>:<base64 identity JSON>" → acting.
// A deploy key may itself contain ':' ("prod:name|..."), so only a suffix
// after the last ':' that decodes to an identity object counts as acting-as.
func ParseAuthorization(h string) (Credential, error) {
	if h == "" {
		return Credential{Kind: AuthNone}, nil
	}
	if len(h) < 7 {
		return Credential{}, errors.New("authorization header too short")
	}
	scheme, rest := strings.ToLower(h[:7]), h[7:]
	switch scheme {
	case "bearer ":
		if rest == "" {
			return Credential{}, errors.New("empty bearer token")
		}
		sub, err := UnverifiedSubject(rest)
		if err != nil {
			return Credential{}, err
		}
		return Credential{Kind: AuthUser, Subject: sub, Token: rest}, nil
	case "convex ":
		if i := strings.LastIndexByte(rest, ':'); i > 0 {
			if id, err := convexclient.DecodeIdentity(rest[i+1:]); err == nil && id.Subject != "" {
				return Credential{Kind: AuthActing, Subject: id.Subject, Key: rest[:i], Identity: &id}, nil
			}
		}
		if rest == "" {
			return Credential{}, errors.New("empty admin key")
		}
		return Credential{Kind: AuthAdmin, Key: rest}, nil
	}
	return Credential{}, errors.New("invalid admin key")
}

// UnverifiedSubject returns the "sub" claim of a JWT without verifying it.
func UnverifiedSubject(token string) (string, error) {
	claims, err := unverifiedClaims(token)
	if err != nil {
		return "", err
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return "", errors.New("jwt has no sub claim")
	}
	return sub, nil
}

func unverifiedClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed jwt")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("malformed jwt payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("malformed jwt payload: %w", err)
	}
	return claims, nil
}

// withSubject returns token with its payload's "sub" replaced and the
// signature kept (the result only suits verifiers that do not check it, like
// the local runner).
func withSubject(token, sub string) (string, error) {
	claims, err := unverifiedClaims(token)
	if err != nil {
		return "", err
	}
	claims["sub"] = sub
	b, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	parts := strings.Split(token, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, "."), nil
}

// requestBody is the JSON body of /api/query, /api/mutation, /api/action and
// /api/function.
type requestBody struct {
	Path   string          `json:"path"`
	Args   json.RawMessage `json:"args"`
	Format string          `json:"format,omitempty"`
}

// errBadAuthorization marks parseRequest errors about the Authorization header.
var errBadAuthorization = errors.New("bad Authorization header")

// cassetteEndpoint maps a request's URL to the endpoint a recording keeps
// and, for /api/run/{module...}/{function}, the function path in the URL
// (the recording keeps "/api/run" and the path). ok is false for routes
// cassettes do not hold.
func cassetteEndpoint(u *url.URL) (endpoint, runPath string, ok bool) {
	switch p := u.Path; {
	case p == "/api/query", p == "/api/mutation", p == "/api/action", p == "/api/function":
		return p, "", true
	case strings.HasPrefix(p, EndpointRun+"/"):
		path, ok := backend.RunPath(strings.TrimPrefix(u.EscapedPath(), EndpointRun+"/"))
		if !ok {
			path = "" // refused by parseRequest
		}
		return EndpointRun, path, true
	}
	return "", "", false
}

// parseRequest reads the parts of an HTTP API request that a recording
// keeps; runPath is the function path of an /api/run URL (its body has
// no path).
func parseRequest(endpoint, runPath, authorization string, body []byte) (CassetteRequest, Credential, error) {
	var rb requestBody
	if err := json.Unmarshal(body, &rb); err != nil {
		return CassetteRequest{}, Credential{}, fmt.Errorf("bad json body: %w", err)
	}
	if endpoint == EndpointRun {
		rb.Path = runPath
	}
	if rb.Path == "" || len(rb.Args) == 0 {
		return CassetteRequest{}, Credential{}, errors.New("bad json body: path and args are required")
	}
	p, err := CanonicalPath(rb.Path)
	if err != nil {
		return CassetteRequest{}, Credential{}, err
	}
	args, err := CanonicalArgs(rb.Args)
	if err != nil {
		return CassetteRequest{}, Credential{}, err
	}
	cred, err := ParseAuthorization(authorization)
	if err != nil {
		return CassetteRequest{}, Credential{}, fmt.Errorf("%w: %w", errBadAuthorization, err)
	}
	return CassetteRequest{Endpoint: endpoint, Path: p, Args: args, Auth: cred.Kind, Subject: cred.Subject}, cred, nil
}
