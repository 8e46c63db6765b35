package routes

import (
	"encoding/json"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

func TestParseAuthorization(t *testing.T) {
	cases := []struct {
		h, bearer string
		scheme    backend.Scheme
		code      string
	}{
		{"", "", backend.SchemeNone, ""},
		{"Bearer abc.def.ghi", "abc.def.ghi", backend.SchemeBearer, ""},
		{"bEaReR  tok ", "tok", backend.SchemeBearer, ""},
		{"Bearer ", "", 0, "InvalidAdminKey"},
		{"Basic dXNlcjpwYXNz", "", 0, "InvalidAdminKey"},
		{"Convex prod:key|x", "", backend.SchemeConvex, ""}, // refused later, by identity
		{"Bear", "", 0, "InvalidHeaderFailure"},
	}
	for _, tc := range cases {
		a, err := parseAuthorization(tc.h)
		code := ""
		if err != nil {
			code = err.Code
		}
		if code != tc.code || a.bearer != tc.bearer || a.scheme != tc.scheme {
			t.Errorf("%q: got %+v, %q; want %q, %q", tc.h, a, code, tc.bearer, tc.code)
		}
	}
}

func TestAppendSerdeStringMatchesCanonical(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl \x00\x01\x1f\x7f", "\n\t\r\b\f",
		"<html>&amp;", "é 😀 \u2028", "[Request ID: abc] Server Error\nCould not find public function for 'a:b'.\n"} {
		js, _ := json.Marshal(s)
		want, err := convexclient.AppendCanonical(nil, js)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendSerdeString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
	if got := appendSerdeString(nil, "a\xffb"); string(got) != "\"a\uFFFDb\"" {
		t.Errorf("invalid UTF-8: %s", got)
	}
}

func TestMissingFunctionBody(t *testing.T) {
	got := string(appendMissingFunction(nil, "0123456789abcdef", backend.Path{Module: "auth", Name: "getUserByEmail"}, false))
	want := `{"status":"error","errorMessage":"[Request ID: 0123456789abcdef] Server Error\nCould not find public function for 'auth:getUserByEmail'.\n"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got = string(appendMissingFunction(nil, "r", backend.Path{Module: "x", Name: "default"}, true))
	want = "{\"status\":\"error\",\"errorMessage\":\"[Request ID: r] Server Error\\nCould not find function for 'x'. Did you forget to run `npx convex dev`?\\n\"}"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
