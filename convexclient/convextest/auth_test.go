package convextest

import (
	"encoding/base64"
	"net/http"
	"testing"
)

func TestParseAuthHeader(t *testing.T) {
	d := NewDeployment(Options{AdminKey: "prod:happy-animal-123|c2VjcmV0"})
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		in    string
		kind  AuthKind
		keyOK bool
		code  string // error code, "" = parsed
		msg   string
	}{
		{"", AuthNone, false, "", ""},
		{"Bearer", "", false, "InvalidHeaderFailure", "Invalid authentication header"},
		{"Bear", "", false, "InvalidHeaderFailure", "Invalid authentication header"},
		{"Bearer ", "", false, "InvalidAdminKey", "Invalid admin key"},
		{"Basic abcdef", "", false, "InvalidAdminKey", "Invalid admin key"},
		{"Bearer\u00e9xx", "", false, "HeaderParseFailure", `Failed to parse header "Bearer\xc3\xa9xx"`},
		{"BEARER tok", AuthUser, false, "", ""},
		{"cOnVeX key", AuthAdmin, false, "", ""},
		{"Convex ", AuthAdmin, false, "", ""},
		{"Convex prod:happy-animal-123|c2VjcmV0", AuthAdmin, true, "", ""},
		{"Convex happy-animal-123|c2VjcmV0", AuthAdmin, true, "", ""},
		{"Convex dev:happy-animal-123|c2VjcmV0", AuthAdmin, true, "", ""}, // the type prefix is ignored
		{"Convex prod:happy-animal-123|other", AuthAdmin, false, "", ""},
		{"Convex prod:happy-animal-123|c2VjcmV0:" + b64(`{"subject":"u","issuer":"i"}`), AuthActing, true, "", ""},
		{"Convex prod:happy-animal-123|other:" + b64(`{"subject":"u","issuer":"i"}`), AuthActing, false, "", ""},
		{"Convex prod:happy-animal-123|c2VjcmV0:!!", "", false, "HeaderParseFailure", "Malformed Authorization header."},
		{"Convex prod:happy-animal-123|other:" + b64(`[]`), "", false, "HeaderParseFailure", "Malformed Authorization header."},
		{"Convex prod:happy-animal-123|c2VjcmV0:" + b64(`{"subject":"u"}`), "", false, "HeaderParseFailure", "Malformed Authorization header."},
		{"Convex prod:happy-animal-123|c2VjcmV0:" + b64(`{"tokenIdentifier":"t","emailVerified":"yes"}`), "", false, "HeaderParseFailure", "Malformed Authorization header."},
	}
	for _, tt := range tests {
		h, err := d.parseAuthHeader(tt.in)
		if tt.code != "" {
			if err == nil || err.Code != tt.code || err.Message != tt.msg || err.status() != http.StatusBadRequest {
				t.Errorf("parseAuthHeader(%q) = %+v, %v; want 400 %s %q", tt.in, h, err, tt.code, tt.msg)
			}
			continue
		}
		if err != nil || h.kind != tt.kind || h.keyOK != tt.keyOK {
			t.Errorf("parseAuthHeader(%q) = %+v, %v; want %s keyOK %v", tt.in, h, err, tt.kind, tt.keyOK)
		}
	}
	if h, _ := d.parseAuthHeader("Bearer   tok  "); h.value != "tok" {
		t.Errorf("bearer token not trimmed: %q", h.value)
	}
}

// TestTestKeysWithColons: test keys without '|' (which the backend would
// split at their ':') work, with or without their type prefix.
func TestTestKeysWithColons(t *testing.T) {
	d := NewDeployment(Options{AdminKey: "dev:test-key"})
	for _, in := range []string{"Convex dev:test-key", "Convex test-key"} {
		if h, err := d.parseAuthHeader(in); err != nil || h.kind != AuthAdmin || !h.keyOK {
			t.Errorf("%q: %+v, %v", in, h, err)
		}
	}
	acting := "Convex dev:test-key:" + base64.StdEncoding.EncodeToString([]byte(`{"tokenIdentifier":"t|u"}`))
	if h, err := d.parseAuthHeader(acting); err != nil || h.kind != AuthActing || !h.keyOK || h.identity.TokenIdentifier != "t|u" {
		t.Errorf("acting: %+v, %v", h, err)
	}
}

func TestRemoveTypePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"prod:happy-animal-123|secret":  "happy-animal-123|secret",
		"dev:a|b":                       "a|b",
		"preview:team:proj|secret":      "secret",
		"project:team:proj|secret":      "secret",
		"happy-animal-123|secret":       "happy-animal-123|secret",
		"no-bar-key":                    "no-bar-key",
		"dev:no-bar":                    "dev:no-bar",
		"prod:a|b:eyJzdWJqZWN0IjoidSJ9": "a|b:eyJzdWJqZWN0IjoidSJ9",
	} {
		if got := removeTypePrefix(in); got != want {
			t.Errorf("removeTypePrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
