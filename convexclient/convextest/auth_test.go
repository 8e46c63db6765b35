package convextest

import "testing"

func TestParseAuthHeader(t *testing.T) {
	tests := []struct {
		in   string
		kind AuthKind
		code string
	}{
		{"", AuthNone, ""},
		{"Bearer", "", "InvalidHeaderFailure"},
		{"Bearer ", "", "InvalidAdminKey"},
		{"Basic abcdef", "", "InvalidAdminKey"},
		{"BEARER tok", AuthUser, ""},
		{"cOnVeX key", AuthAdmin, ""},
		{"Convex ", AuthAdmin, ""},
	}
	for _, tt := range tests {
		h, err := parseAuthHeader(tt.in)
		if (err == nil && tt.code != "") || (err != nil && err.Code != tt.code) || (err == nil && h.kind != tt.kind) {
			t.Errorf("parseAuthHeader(%q) = %+v, %v", tt.in, h, err)
		}
	}
}

func TestCheckClientVersion(t *testing.T) {
	tests := map[string]string{
		"": "", "npm-1.48.0": "", "npm-cli-1.2.3": "", "convexgw-go-0.1.0": "", "python-0.5.0": "",
		"nodash": "InvalidClientVersion", "npm-abc": "ClientVersionUnsupported",
	}
	for in, code := range tests {
		err := checkClientVersion(in)
		if (err == nil) != (code == "") || (err != nil && err.Code != code) {
			t.Errorf("checkClientVersion(%q) = %v, want %q", in, err, code)
		}
	}
}
