package gateway

import (
	"encoding/json"
	"fmt"
)

// Secret is a string that never prints: String, Format (every verb),
// MarshalJSON and MarshalText all redact it. Use Reveal to read the value.
// The zero value is the empty secret.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret value. Call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String returns "[REDACTED]" for a set secret and "" for an empty one.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// Format redacts the secret for every fmt verb, %#v and %q included.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// GoString redacts the secret for %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalJSON encodes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText encodes the redacted form (zap, YAML, text encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
