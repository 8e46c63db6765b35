package convexclient

import (
	"context"
	"errors"
	"fmt"
)

type credKind uint8

const (
	credAnonymous credKind = iota
	credUser
	credAdmin
	credActing
)

// Credential is who a call runs as. The zero value is Anonymous(). A
// Credential never prints its secret: every fmt verb gives a redacted form.
type Credential struct {
	kind   credKind
	secret string   // user JWT, or the base64 identity for ActingAs
	header []string // prebuilt Authorization value for user tokens
	err    error
}

// Anonymous calls without an Authorization header.
func Anonymous() Credential { return Credential{} }

// UserToken calls as the user the JWT identifies: "Authorization: Bearer <jwt>".
// An empty or malformed token fails the call with ErrInvalidRequest.
func UserToken(jwt string) Credential {
	c := Credential{kind: credUser, secret: jwt}
	if !validHeaderToken(jwt) {
		c.err = errors.New("user token is empty or contains spaces or control characters")
		return c
	}
	c.header = []string{"Bearer " + jwt}
	return c
}

// Admin calls with the deploy key: "Authorization: Convex <key>". Admin calls
// may run internal functions; ctx.auth.getUserIdentity() is null in them.
func Admin() Credential { return Credential{kind: credAdmin} }

// ActingAs calls with the deploy key acting as the user id:
// "Authorization: Convex <key>:<base64 identity JSON>". An identity that
// fails Identity.Validate (no TokenIdentifier nor Issuer and Subject, a
// custom claim misusing a standard attribute name) fails the call with
// ErrInvalidRequest before any I/O.
func ActingAs(id Identity) Credential {
	c := Credential{kind: credActing}
	b64, err := EncodeIdentity(id)
	if err != nil {
		c.err = err
		return c
	}
	c.secret = b64
	return c
}

// String names the kind of credential, never its secret.
func (c Credential) String() string {
	switch c.kind {
	case credUser:
		return "convexclient.Credential(user token)"
	case credAdmin:
		return "convexclient.Credential(admin)"
	case credActing:
		return "convexclient.Credential(admin acting as user)"
	}
	return "convexclient.Credential(anonymous)"
}

// GoString is String.
func (c Credential) GoString() string { return c.String() }

// Format writes String for every verb.
func (c Credential) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// authorization returns the Authorization header value for the credential
// (nil for none), read-only. Admin kinds need the engine's deploy key.
func (c Credential) authorization(e *engine) ([]string, error) {
	if c.err != nil {
		return nil, fmt.Errorf("convexclient: %w: %v", ErrInvalidRequest, c.err)
	}
	switch c.kind {
	case credUser:
		return c.header, nil
	case credAdmin, credActing:
		if e.adminAuth == nil {
			return nil, &ConfigError{Setting: e.cfg.DeployKeySetting, Reason: "is not set (needed for admin and acting-as-user calls)"}
		}
		if c.kind == credAdmin {
			return e.adminAuth, nil
		}
		return []string{e.adminAuth[0] + ":" + c.secret}, nil
	}
	return nil, nil
}

type credentialKey struct{}
type requestIDKey struct{}

// WithCredential returns a context whose calls run as cred. It takes
// precedence over Internal bindings' Admin default and Config.Credential.
func WithCredential(ctx context.Context, cred Credential) context.Context {
	return context.WithValue(ctx, credentialKey{}, cred)
}

// CredentialFrom returns the credential set by WithCredential, if any.
func CredentialFrom(ctx context.Context) (Credential, bool) {
	c, ok := ctx.Value(credentialKey{}).(Credential)
	return c, ok
}

// WithRequestID returns a context whose calls send id as Convex-Request-Id,
// which the backend shows in its error messages. An id that is not a valid
// header value (spaces, control characters) is not sent.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// requestID returns the id from WithRequestID if it is sendable.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	if id == "" || len(id) > 256 || !validHeaderToken(id) {
		return ""
	}
	return id
}
