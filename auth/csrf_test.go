package auth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

var testCSRFSecret = bytes.Repeat([]byte("c"), 32)

func TestCSRF(t *testing.T) {
	c, err := NewCSRF(testCSRFSecret)
	if err != nil {
		t.Fatal(err)
	}
	tok := c.Token("sess-1")
	if len(tok) != csrfTokenLen || tok != c.Token("sess-1") || tok == c.Token("sess-2") {
		t.Fatalf("Token = %q: not stable, session-bound and %d chars", tok, csrfTokenLen)
	}
	if err := c.Verify("sess-1", tok); err != nil {
		t.Fatalf("Verify(own token) = %v", err)
	}
	other, _ := NewCSRF(bytes.Repeat([]byte("d"), 32))
	for name, tc := range csrfRejectCases(c, other) {
		t.Run(name, func(t *testing.T) {
			if err := c.Verify(tc[0], tc[1]); !errors.Is(err, ErrCSRF) {
				t.Fatalf("Verify = %v, want ErrCSRF", err)
			}
		})
	}
	if _, err := NewCSRF(make([]byte, 31)); !errors.Is(err, ErrConfig) {
		t.Fatalf("short secret = %v", err)
	}
}

// csrfRejectCases are (session id, token) pairs Verify must reject; they
// also seed FuzzCSRFVerify.
func csrfRejectCases(c, other *CSRF) map[string][2]string {
	tok := c.Token("sess-1")
	return map[string][2]string{
		"empty token":         {"sess-1", ""},
		"empty session":       {"", c.Token("")},
		"other session":       {"sess-2", tok},
		"other secret":        {"sess-1", other.Token("sess-1")},
		"flipped char":        {"sess-1", flipFirst(tok)},
		"truncated":           {"sess-1", tok[:42]},
		"extended":            {"sess-1", tok + "A"},
		"padded":              {"sess-1", tok + "="},
		"upper-cased":         {"sess-1", strings.ToUpper(tok)},
		"session prefix":      {"sess-", tok},
		"session with suffix": {"sess-1\x00", tok},
	}
}

func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestOriginPolicy(t *testing.T) {
	p := NewOriginPolicy([]string{"https://app.example.com", "http://localhost:5173", "HTTPS://Admin.Example.com:443/", "not an origin"})
	cases := []struct {
		name, method, origin, referer, site string
		ok                                  bool
	}{
		{"GET cross-site", "GET", "https://evil.test", "", "cross-site", true},
		{"HEAD", "HEAD", "https://evil.test", "", "cross-site", true},
		{"OPTIONS", "OPTIONS", "https://evil.test", "", "cross-site", true},
		{"same-origin fetch", "POST", "", "", "same-origin", true},
		{"allowed origin", "POST", "https://app.example.com", "", "same-site", true},
		{"allowed origin, case and default port", "DELETE", "https://ADMIN.example.com", "", "cross-site", true},
		{"allowed dev origin", "PUT", "http://localhost:5173", "", "", true},
		{"allowed via referer", "POST", "", "https://app.example.com/page?x=1", "", true},
		{"no browser headers", "POST", "", "", "", true},
		{"cross-site origin", "POST", "https://evil.test", "", "cross-site", false},
		{"lookalike origin", "POST", "https://app.example.com.evil.test", "", "", false},
		{"wrong scheme", "POST", "http://app.example.com", "", "", false},
		{"wrong port", "POST", "http://localhost:5174", "", "", false},
		{"null origin", "POST", "null", "", "cross-site", false},
		{"cross-site referer", "PATCH", "", "https://evil.test/x", "", false},
		{"fetch metadata without origin", "POST", "", "", "cross-site", false},
		{"user-typed navigation POST", "POST", "", "", "none", false},
		{"unknown method", "PURGE", "https://evil.test", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(tc.method, tc.origin, tc.referer, tc.site)
			if (err == nil) != tc.ok || (err != nil && (!errors.Is(err, ErrForbiddenOrigin) || !errors.Is(err, ErrCSRF))) {
				t.Fatalf("Check = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
