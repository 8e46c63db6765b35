package convexclient

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Identity is a user identity as Convex's UserIdentityAttributes: what
// ctx.auth.getUserIdentity() returns inside a function. It is sent when the
// deploy key acts as a user (Authorization: Convex <key>:<base64 JSON>).
//
// Subject is the user's id. When TokenIdentifier is empty Convex derives it as
// Issuer + "|" + Subject, so Issuer is then required too. The other fields
// are the standard attributes Convex types (as in its UserIdentity); empty
// strings and nil pointers are left out. The zero value is not sendable.
type Identity struct {
	Subject         string
	Issuer          string
	TokenIdentifier string
	Name            string
	Email           string

	GivenName         string
	FamilyName        string
	Nickname          string
	PreferredUsername string
	ProfileURL        string // profileUrl
	PictureURL        string // pictureUrl
	WebsiteURL        string // websiteUrl
	// EmailVerified and PhoneNumberVerified are pointers so that an explicit
	// false is sent; nil leaves the attribute out.
	EmailVerified       *bool
	Gender              string
	Birthday            string
	Timezone            string
	Language            string
	PhoneNumber         string
	PhoneNumberVerified *bool
	Address             string
	// UpdatedAt is a string in Convex's UserIdentity (e.g. an RFC 3339 time).
	UpdatedAt string

	// Custom holds custom claims (for example "role"), any JSON values. A
	// key may be a standard attribute name only with that attribute's type
	// (a string, or a bool for emailVerified and phoneNumberVerified) and
	// only if the typed field is unset; Validate reports other uses, which
	// the backend would refuse with 400 HeaderParseFailure.
	Custom map[string]any
}

// identityAttr is one standard attribute of UserIdentityAttributes
// (convex-backend crates/convex/sync_types/src/types/json.rs,
// UserIdentityAttributesJson): its camelCase key and how to reach the field.
type identityAttr struct {
	key  string
	str  func(*Identity) *string // string attributes
	flag func(*Identity) **bool  // bool attributes
}

// identityAttrs lists the standard attributes; every key is reserved.
var identityAttrs = [...]identityAttr{
	{key: "tokenIdentifier", str: func(i *Identity) *string { return &i.TokenIdentifier }},
	{key: "issuer", str: func(i *Identity) *string { return &i.Issuer }},
	{key: "subject", str: func(i *Identity) *string { return &i.Subject }},
	{key: "name", str: func(i *Identity) *string { return &i.Name }},
	{key: "givenName", str: func(i *Identity) *string { return &i.GivenName }},
	{key: "familyName", str: func(i *Identity) *string { return &i.FamilyName }},
	{key: "nickname", str: func(i *Identity) *string { return &i.Nickname }},
	{key: "preferredUsername", str: func(i *Identity) *string { return &i.PreferredUsername }},
	{key: "profileUrl", str: func(i *Identity) *string { return &i.ProfileURL }},
	{key: "pictureUrl", str: func(i *Identity) *string { return &i.PictureURL }},
	{key: "websiteUrl", str: func(i *Identity) *string { return &i.WebsiteURL }},
	{key: "email", str: func(i *Identity) *string { return &i.Email }},
	{key: "emailVerified", flag: func(i *Identity) **bool { return &i.EmailVerified }},
	{key: "gender", str: func(i *Identity) *string { return &i.Gender }},
	{key: "birthday", str: func(i *Identity) *string { return &i.Birthday }},
	{key: "timezone", str: func(i *Identity) *string { return &i.Timezone }},
	{key: "language", str: func(i *Identity) *string { return &i.Language }},
	{key: "phoneNumber", str: func(i *Identity) *string { return &i.PhoneNumber }},
	{key: "phoneNumberVerified", flag: func(i *Identity) **bool { return &i.PhoneNumberVerified }},
	{key: "address", str: func(i *Identity) *string { return &i.Address }},
	{key: "updatedAt", str: func(i *Identity) *string { return &i.UpdatedAt }},
}

// Validate reports why the identity cannot be sent as an acting-as
// identity, or nil: it needs a TokenIdentifier, or an Issuer and a Subject;
// a custom claim named like a standard attribute must have that attribute's
// type (string, or bool for the two *Verified ones; null is allowed) and not
// duplicate a set field; custom values must be JSON-encodable.
func (id Identity) Validate() error {
	if id.TokenIdentifier == "" && (id.Issuer == "" || id.Subject == "") {
		return errors.New("convexclient: identity needs a token identifier, or an issuer and a subject")
	}
	var errs []error
	for i := range identityAttrs {
		a := &identityAttrs[i]
		v, ok := id.Custom[a.key]
		if !ok {
			continue
		}
		set := (a.str != nil && *a.str(&id) != "") || (a.flag != nil && *a.flag(&id) != nil)
		switch {
		case set:
			errs = append(errs, fmt.Errorf("convexclient: identity: custom claim %q duplicates the %s field", a.key, a.key))
		case v == nil:
		case a.str != nil:
			if _, ok := v.(string); !ok {
				errs = append(errs, fmt.Errorf("convexclient: identity: custom claim %q must be a string: it is a standard attribute", a.key))
			}
		default:
			if _, ok := v.(bool); !ok {
				errs = append(errs, fmt.Errorf("convexclient: identity: custom claim %q must be a bool: it is a standard attribute", a.key))
			}
		}
	}
	if len(errs) == 0 && len(id.Custom) > 0 {
		if _, err := json.Marshal(id.Custom); err != nil {
			errs = append(errs, fmt.Errorf("convexclient: identity: custom claims are not JSON: %w", err))
		}
	}
	return errors.Join(errs...)
}

// MarshalJSON encodes the identity with Convex's camelCase attribute names,
// keys sorted, and the custom claims flattened into the same object. It
// does not validate: see Validate.
func (id Identity) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 5+len(id.Custom))
	for k, v := range id.Custom {
		m[k] = v
	}
	for i := range identityAttrs {
		a := &identityAttrs[i]
		if a.str != nil {
			if v := *a.str(&id); v != "" {
				m[a.key] = v
			}
		} else if v := *a.flag(&id); v != nil {
			m[a.key] = *v
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON decodes UserIdentityAttributes JSON with the backend's
// rules: a standard attribute must be a string (a bool for the *Verified
// ones) or null; unknown keys land in Custom.
func (id *Identity) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("convexclient: identity: %w", err)
	}
	if m == nil {
		return errors.New("convexclient: identity: not a JSON object")
	}
	out := Identity{}
	for i := range identityAttrs {
		a := &identityAttrs[i]
		raw, ok := m[a.key]
		if !ok {
			continue
		}
		delete(m, a.key)
		if string(raw) == "null" {
			continue
		}
		var err error
		if a.str != nil {
			err = json.Unmarshal(raw, a.str(&out))
		} else {
			var b bool
			if err = json.Unmarshal(raw, &b); err == nil {
				*a.flag(&out) = &b
			}
		}
		if err != nil {
			return fmt.Errorf("convexclient: identity: attribute %q has the wrong type", a.key)
		}
	}
	if len(m) > 0 {
		out.Custom = make(map[string]any, len(m))
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var v any
			d := json.NewDecoder(bytes.NewReader(m[k]))
			if err := d.Decode(&v); err != nil {
				return fmt.Errorf("convexclient: identity: custom claim %q: %w", k, err)
			}
			out.Custom[k] = v
		}
	}
	*id = out
	return nil
}

// EncodeIdentity returns the standard base64 of the identity's JSON, the form
// appended to a deploy key in "Convex <key>:<base64>". It fails when
// Validate does.
func EncodeIdentity(id Identity) (string, error) {
	if err := id.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(id)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// DecodeIdentity parses the base64 form made by EncodeIdentity, with the
// backend's rules: standard base64, a JSON object whose standard attributes
// have their types, and a TokenIdentifier or an Issuer and a Subject.
func DecodeIdentity(s string) (Identity, error) {
	var id Identity
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return id, fmt.Errorf("convexclient: identity is not base64: %w", err)
	}
	if err := id.UnmarshalJSON(b); err != nil {
		return Identity{}, err
	}
	if id.TokenIdentifier == "" && (id.Issuer == "" || id.Subject == "") {
		return Identity{}, errors.New(`convexclient: identity: either "tokenIdentifier" or "issuer" and "subject" must be set`)
	}
	return id, nil
}
