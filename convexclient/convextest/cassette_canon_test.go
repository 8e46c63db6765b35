package convextest

import (
	"encoding/base64"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestCanonicalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tasks:list", "tasks:list"},
		{"tasks.js:list", "tasks:list"},
		{"admin/users.js:get", "admin/users:get"},
		{"messages", "messages:default"},
		{" tasks:list ", "tasks:list"},
	}
	for _, tc := range tests {
		got, err := CanonicalPath(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CanonicalPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", ":list", "tasks:", "a:b:c", ".js:x"} {
		if got, err := CanonicalPath(bad); err == nil {
			t.Errorf("CanonicalPath(%q) = %q, want error", bad, got)
		}
	}
}

func TestCanonicalArgs(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{}`, `{}`},
		{`[]`, `{}`},
		{`{"b":1,"a":2}`, `{"a":2.0,"b":1.0}`},
		{`[{"b":1,"a":2}]`, `{"a":2.0,"b":1.0}`},
		{` [ {"x":"<&>"} ] `, `{"x":"<&>"}`},
		{`{"n":{"$integer":"AQAAAAAAAAA="}}`, `{"n":{"$integer":"AQAAAAAAAAA="}}`},
	}
	for _, tc := range tests {
		got, err := CanonicalArgs([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("CanonicalArgs(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{``, `5`, `"x"`, `[1]`, `[{},{}]`, `{"$bad":1}`, `[{`} {
		if got, err := CanonicalArgs([]byte(bad)); err == nil {
			t.Errorf("CanonicalArgs(%s) = %s, want error", bad, got)
		}
	}
}

func jwtWith(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestParseAuthorization(t *testing.T) {
	acting, err := convexclient.EncodeIdentity(convexclient.Identity{Subject: "u1", Issuer: "https://gateway.demo.test"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, header string
		kind         AuthKind
		subject, key string
	}{
		{"none", "", AuthNone, "", ""},
		{"bearer", "Bearer " + jwtWith(`{"sub":"u2","iss":"x"}`), AuthUser, "u2", ""},
		{"bearer lower", "bearer " + jwtWith(`{"sub":"u2"}`), AuthUser, "u2", ""},
		{"admin", "Convex secret", AuthAdmin, "", "secret"},
		{"admin with colon key", "Convex prod:happy-animal-123|eyJ2", AuthAdmin, "", "prod:happy-animal-123|eyJ2"},
		{"acting", "Convex secret:" + acting, AuthActing, "u1", "secret"},
		{"acting colon key", "Convex prod:x|y:" + acting, AuthActing, "u1", "prod:x|y"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseAuthorization(tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != tc.kind || c.Subject != tc.subject || c.Key != tc.key {
				t.Errorf("got %+v", c)
			}
		})
	}
	for _, bad := range []string{"Basic abc", "Bearer ", "Bearer x.y", "Bearer " + jwtWith(`{"iss":"x"}`), "Convex ", "abc"} {
		if c, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) = %+v, want error", bad, c)
		}
	}
}

func TestWithSubject(t *testing.T) {
	tok := jwtWith(`{"sub":"a","aud":"convex"}`)
	out, err := withSubject(tok, "b")
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := UnverifiedSubject(out); sub != "b" {
		t.Errorf("sub = %q", sub)
	}
}

func FuzzCanonicalArgs(f *testing.F) {
	for _, s := range []string{`{}`, `[{"a":1}]`, `{"b":[1,2,{"$bytes":""}]}`, `[]`, `5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := CanonicalArgs(data)
		if err != nil {
			return
		}
		again, err := CanonicalArgs(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("not idempotent: %s -> %s (%v)", out, again, err)
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"", "Bearer " + jwtWith(`{"sub":"u"}`), "Convex k", "Convex k:e30=", "Basic x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, err := ParseAuthorization(h)
		if err != nil {
			return
		}
		if (c.Kind == AuthUser || c.Kind == AuthActing) && c.Subject == "" {
			t.Fatalf("%q: %s without subject", h, c.Kind)
		}
	})
}
