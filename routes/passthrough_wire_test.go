package routes

import (
	"encoding/json"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestParseAuthorization(t *testing.T) {
	cases := []struct {
		h, bearer, code string
	}{
		{"", "", ""},
		{"Bearer abc.def.ghi", "abc.def.ghi", ""},
		{"bEaReR tok", "tok", ""},
		{"Bearer ", "", "InvalidAdminKey"},
		{"Basic dXNlcjpwYXNz", "", "InvalidAdminKey"},
		{"Convex prod:key|x", "", "BadAdminKey"},
		{"Bear", "", "InvalidHeaderFailure"},
	}
	for _, tc := range cases {
		a, err := parseAuthorization(tc.h)
		code := ""
		if err != nil {
			code = err.code
		}
		if code != tc.code || a.bearer != tc.bearer {
			t.Errorf("%q: got %q, %q; want %q, %q", tc.h, a.bearer, code, tc.bearer, tc.code)
		}
	}
}

func TestParseUDFRequest(t *testing.T) {
	cases := []struct {
		body     string
		withPath bool
		path     string
		args     string
		bad      bool
	}{
		{`{"path":"tasks:list","args":{},"format":"convex_encoded_json"}`, true, "tasks:list", `{}`, false},
		{`{"path":"tasks:list","args":[{"a":1}],"extra":1}`, true, "tasks:list", `[{"a":1}]`, false},
		{`{"args":{"a":1}}`, false, "", `{"a":1}`, false},
		{`{"args":{}}`, true, "", "", true},
		{`{"path":"x:y"}`, true, "", "", true},
		{`{"path":"x:y","args":5}`, true, "", "", true},
		{`{"path":"x:y","args":"s"}`, true, "", "", true},
		{`{"path":1,"args":{}}`, true, "", "", true},
		{`{"path":"x:y","args":{}} {}`, true, "", "", true},
		{`{"Path":"x:y","args":{}}`, true, "", "", true},
		{`{"path":"x:y","args":{},"format":5}`, true, "", "", true},
		{`nope`, true, "", "", true},
	}
	for _, tc := range cases {
		r, err := parseUDFRequest([]byte(tc.body), tc.withPath)
		if (err != nil) != tc.bad {
			t.Errorf("%s: error %v, want bad=%v", tc.body, err, tc.bad)
			continue
		}
		if err != nil {
			if err.code != "BadJsonBody" || err.status != 400 {
				t.Errorf("%s: %+v", tc.body, err)
			}
			continue
		}
		if r.Path != tc.path || string(r.Args) != tc.args {
			t.Errorf("%s: got %q %s", tc.body, r.Path, r.Args)
		}
	}
}

func TestCheckClientVersion(t *testing.T) {
	for v, code := range map[string]string{"": "", "npm-1.48.0": "", "npm-cli-1.2.3": "", "go-convex-0.1.0": "",
		"python-0.5.0": "", "npm": "InvalidClientVersion", "npm-latest": "ClientVersionUnsupported"} {
		e := checkClientVersion(v)
		if (e == nil) != (code == "") || (e != nil && e.code != code) {
			t.Errorf("%q: %+v, want %q", v, e, code)
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
	got := string(missingFunction("0123456789abcdef", "auth:getUserByEmail", false))
	want := `{"status":"error","errorMessage":"[Request ID: 0123456789abcdef] Server Error\nCould not find public function for 'auth:getUserByEmail'.\n"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	got = string(missingFunction("r", "x:y", true))
	want = "{\"status\":\"error\",\"errorMessage\":\"[Request ID: r] Server Error\\nCould not find function for 'x:y'. Did you forget to run `npx convex dev`?\\n\"}"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestJSONContentType(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/json": true, "application/json; charset=utf-8": true, "Application/JSON": true,
		"application/vnd.api+json": true, "text/plain": false, "": false, "application/x-www-form-urlencoded": false,
	} {
		if got := jsonContentType(ct); got != want {
			t.Errorf("%q: %v", ct, got)
		}
	}
}

// FuzzParseUDFRequest: the passthrough's body parser never panics, and what
// it accepts carries JSON object or array args.
func FuzzParseUDFRequest(f *testing.F) {
	for _, s := range []string{`{"path":"tasks:list","args":{},"format":"convex_encoded_json"}`,
		`{"path":"tasks:list","args":[{"a":1}],"extra":1}`, `{"args":{"a":1}}`, `{"path":"x:y"}`,
		`{"path":"x:y","args":5}`, `nope`, `{"path":"x:y","args":{}} {}`, `{"path":null,"args":[]}`} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, withPath bool) {
		r, err := parseUDFRequest(body, withPath)
		if err != nil {
			if err.status != 400 || err.code != "BadJsonBody" {
				t.Fatalf("unexpected error %+v", err)
			}
			return
		}
		if len(r.Args) == 0 || (r.Args[0] != '{' && r.Args[0] != '[') || !json.Valid(r.Args) {
			t.Fatalf("accepted args %q", r.Args)
		}
	})
}

// FuzzParseAuthorization: any header gives a token or a Convex-shaped error.
func FuzzParseAuthorization(f *testing.F) {
	for _, h := range []string{"", "Bearer a.b.c", "bearer x", "Bearer ", "Convex k", "Basic x", "Bear"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if err == nil && h != "" && a.bearer == "" {
			t.Fatalf("%q: neither token nor error", h)
		}
		if err != nil && err.status != 400 && err.status != 401 {
			t.Fatalf("%q: status %d", h, err.status)
		}
	})
}
