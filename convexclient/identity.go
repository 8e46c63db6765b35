package convexclient

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Identity is a user identity as Convex's UserIdentityAttributes: what
// ctx.auth.getUserIdentity() returns inside a function. It is sent when the
// deploy key acts as a user (Authorization: Convex <key>:<base64 JSON>).
//
// Subject is the user's id. When TokenIdentifier is empty Convex derives it as
// Issuer + "|" + Subject, so Issuer is then required too.
type Identity struct {
	Subject         string
	Issuer          string
	TokenIdentifier string
	Name            string
	Email           string
	// Custom holds custom claims (for example "role"). Keys must not collide
	// with the standard attributes above.
	Custom map[string]any
}

// MarshalJSON encodes the identity with Convex's camelCase attribute names and
// the custom claims flattened into the same object.
func (id Identity) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 5+len(id.Custom))
	for k, v := range id.Custom {
		m[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("subject", id.Subject)
	set("issuer", id.Issuer)
	set("tokenIdentifier", id.TokenIdentifier)
	set("name", id.Name)
	set("email", id.Email)
	return json.Marshal(m)
}

// UnmarshalJSON decodes UserIdentityAttributes JSON; unknown keys land in Custom.
func (id *Identity) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("convexclient: identity: %w", err)
	}
	take := func(k string) string {
		v, ok := m[k]
		if !ok {
			return ""
		}
		delete(m, k)
		s, _ := v.(string)
		return s
	}
	*id = Identity{
		Subject:         take("subject"),
		Issuer:          take("issuer"),
		TokenIdentifier: take("tokenIdentifier"),
		Name:            take("name"),
		Email:           take("email"),
	}
	if len(m) > 0 {
		id.Custom = m
	}
	return nil
}

// EncodeIdentity returns the standard base64 of the identity's JSON, the form
// appended to a deploy key in "Convex <key>:<base64>".
func EncodeIdentity(id Identity) (string, error) {
	b, err := json.Marshal(id)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// DecodeIdentity parses the base64 form made by EncodeIdentity.
func DecodeIdentity(s string) (Identity, error) {
	var id Identity
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return id, fmt.Errorf("convexclient: identity is not base64: %w", err)
	}
	err = id.UnmarshalJSON(b)
	return id, err
}
