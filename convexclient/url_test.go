package convexclient

import (
	"errors"
	"strings"
	"testing"
)

func TestDeploymentURLRules(t *testing.T) {
	allowed := []string{"convex.example.com", "backend", "x.convex.site"}
	cases := []struct {
		url, want, reason string // want "" = rejected with reason
	}{
		{"https://happy-animal-123.convex.cloud", "https://happy-animal-123.convex.cloud", ""},
		{"https://Happy-Animal-123.CONVEX.cloud/", "https://happy-animal-123.convex.cloud", ""},
		{"https://happy-animal-123.eu-west-1.convex.cloud", "https://happy-animal-123.eu-west-1.convex.cloud", ""},
		{"  https://a.convex.cloud  ", "https://a.convex.cloud", ""},
		{"http://127.0.0.1:3210", "http://127.0.0.1:3210", ""},
		{"http://127.9.9.9:3210", "http://127.9.9.9:3210", ""},
		{"http://localhost:3210", "http://localhost:3210", ""},
		{"http://[::1]:3210", "http://[::1]:3210", ""},
		{"https://localhost", "https://localhost", ""},
		{"https://convex.example.com", "https://convex.example.com", ""},
		{"https://CONVEX.example.com:8443", "https://convex.example.com:8443", ""},
		{"", "", "is not set"},
		{"   ", "", "is not set"},
		{"happy-animal-123.convex.cloud", "", "not a valid URL"},
		{"://x", "", "not a valid URL"},
		{"https://", "", "not a valid URL"},
		{"mailto:a@b.c", "", "not a valid URL"},
		{"http://happy-animal-123.convex.cloud", "", "must use https"},
		{"http://convex.example.com", "http://convex.example.com", ""}, // allowed self-hosted host
		{"ftp://a.convex.cloud", "", "must be an https URL"},
		{"https://happy-animal-123.convex.site", "", "use the deployment's .convex.cloud URL"},
		{"http://127.0.0.1.convex.site", "", "must use https"},
		{"https://a.convex.site.", "", ".convex.site"},
		{"https://convex.cloud", "", "not a *.convex.cloud host"},
		{"https://evil.com", "", "not a *.convex.cloud host"},
		{"https://a.convex.cloud.evil.com", "", "not a *.convex.cloud host"},
		{"https://evilconvex.cloud", "", "not a *.convex.cloud host"},
		{"https://a..convex.cloud", "", "not a *.convex.cloud host"},
		{"https://example.com", "", "not a *.convex.cloud host"},
		{"https://a.convex.cloud/api", "", "no path for a *.convex.cloud host"},
		{"https://a.convex.cloud?x=1", "", "no query"},
		{"https://a.convex.cloud?", "", "no query"},
		{"https://a.convex.cloud#frag", "", "no query or fragment"},
		// Self-hosted: http for allowed hosts, and a reverse-proxy prefix.
		{"http://backend:3210", "http://backend:3210", ""},
		{"http://BACKEND:3210/", "http://backend:3210", ""},
		{"https://convex.example.com/convex", "https://convex.example.com/convex", ""},
		{"https://convex.example.com/convex/", "https://convex.example.com/convex", ""},
		{"https://convex.example.com/a/b-c_d.e~f", "https://convex.example.com/a/b-c_d.e~f", ""},
		{"http://127.0.0.1:8080/convex", "http://127.0.0.1:8080/convex", ""},
		{"http://other:3210", "", "must use https"},
		{"https://convex.example.com//x", "", "invalid path prefix"},
		{"https://convex.example.com/a/../b", "", "invalid path prefix"},
		{"https://convex.example.com/a/./b", "", "invalid path prefix"},
		{"https://convex.example.com/a%2Fb", "", "invalid path prefix"},
		{"https://convex.example.com/a b", "", "invalid path prefix"},
		{"https://convex.example.com/a%20b", "", "invalid path prefix"},
		{"https://x.convex.site", "", ".convex.site"},
		{"http://x.convex.site", "", "must use https"},
		{"https://happy.convex.site/prefix", "", ".convex.site"},
		{"https://user:pw@a.convex.cloud", "", "user name or password"},
		{"https://a.convex.cloud:0", "", "invalid port"},
		{"https://a.convex.cloud:99999", "", "invalid port"},
	}
	for _, tc := range cases {
		got, err := parseDeploymentURL(tc.url, "CONVEX_URL", allowed)
		if tc.reason == "" {
			if err != nil || got != tc.want {
				t.Errorf("%q: got %q, %v; want %q", tc.url, got, err, tc.want)
			}
			continue
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || !errors.Is(err, ErrNotConfigured) {
			t.Errorf("%q: err = %v, want *ConfigError", tc.url, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.reason) || !strings.Contains(err.Error(), "CONVEX_URL") {
			t.Errorf("%q: error %q does not say %q", tc.url, err, tc.reason)
		}
		if strings.Contains(err.Error(), "pw@") {
			t.Errorf("%q: error echoes userinfo", tc.url)
		}
	}
}
