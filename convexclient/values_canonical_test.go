package convexclient

import (
	"strings"
	"testing"
)

var canonicalCases = []struct{ in, want string }{
	{` { "b" : 1 , "a" : [ 1.0 , 2e0, -0.5 ] } `, `{"a":[1.0,2.0,-0.5],"b":1.0}`},
	{`{"a":1,"a":2}`, `{"a":2.0}`},
	{`{"b":1,"a":2,"b":3}`, `{"a":2.0,"b":3.0}`},
	{`{"a#":1,"a\"":2}`, `{"a\"":2.0,"a#":1.0}`},
	{`{"a\\":1,"a]":2,"a":3}`, `{"a":3.0,"a\\":1.0,"a]":2.0}`},
	{`{"z":{"y":1,"x":{"$integer":"AQAAAAAAAAA="}},"_id":"k"}`, `{"_id":"k","z":{"x":{"$integer":"AQAAAAAAAAA="},"y":1.0}}`},
	{`{"$bytes":"AQID"}`, `{"$bytes":"AQID"}`},
	{`{ "$float" : "AAAAAAAA8H8=" }`, `{"$float":"AAAAAAAA8H8="}`},
	{`{"\u0024integer":"AQAAAAAAAAA\u003d"}`, `{"$integer":"AQAAAAAAAAA="}`},
	{`-0`, `{"$float":"AAAAAAAAAIA="}`},
	{`-0.0`, `{"$float":"AAAAAAAAAIA="}`},
	{`"\u00e9\ud83d\ude00\/"`, `"é😀/"`},
	{`"\u001F"`, `"\u001f"`},
	{`1E2`, `100.0`},
	{`123456789012345678901234567890`, `1.2345678901234568e29`},
	{`9007199254740993`, `9007199254740992.0`},
	{`{"":1}`, `{"":1.0}`},
	{`[[],{},[{}]]`, `[[],{},[{}]]`},
	{`{"tasks":[{"title":"b","id":"2"},{"title":"a","id":"1"}]}`, `{"tasks":[{"id":"2","title":"b"},{"id":"1","title":"a"}]}`},
}

var invalidCases = []string{
	``, ` `, `nul`, `tru`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `[1 2]`, `1 2`, `{"a":1}x`,
	`01`, `-`, `.5`, `1.`, `1e`, `+1`, `NaN`, `Infinity`, `1e400`, `-1e400`,
	`"abc`, `"\x"`, `"\u12"`, `"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, "\"\xff\"", "\"a\nb\"", "\"\x00\"",
	`{"$foo":1}`, `{"a":{"$foo":1}}`, `{"a":1,"$b":2}`, `{"é":1}`, "{\"a\x7f\":1}", `{"a\n":1}`,
	`{"$set":[]}`, `{"$map":[]}`, `{"$integer":"AQ=="}`, `{"$integer":"AQAAAAAAAAAA"}`,
	`{"$integer":"AQAAAAAAAAA"}`, `{"$integer":1}`, `{"$integer":"AQAAAAAAAAA=","a":1}`,
	`{"$float":"AAAAAAAA+D8="}`, `{"$float":"AAAAAAAAAAA="}`, `{"$float":"AQAAAAAAAAA="}`,
	`{"$bytes":"AQI"}`, `{"$bytes":"AQ=I"}`, `{"$bytes":"-_8="}`, `{"$bytes":"AQJ="}`, `{"$bytes":null}`,
	`{"` + strings.Repeat("k", 1025) + `":1}`,
	strings.Repeat("[", 65) + strings.Repeat("]", 65),
	strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65),
}

func TestAppendCanonical(t *testing.T) {
	for _, tt := range canonicalCases {
		got, err := AppendCanonical(nil, []byte(tt.in))
		if err != nil {
			t.Errorf("AppendCanonical(%s): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("AppendCanonical(%s) = %s, want %s", tt.in, got, tt.want)
		}
		again, err := AppendCanonical(nil, got)
		if err != nil || string(again) != tt.want {
			t.Errorf("not idempotent: %s -> %s, %v", got, again, err)
		}
	}
}

func TestAppendCanonicalInvalid(t *testing.T) {
	for _, in := range invalidCases {
		dst := []byte("keep")
		got, err := AppendCanonical(dst, []byte(in))
		mustInvalidCase(t, in, err)
		if string(got) != "keep" {
			t.Errorf("AppendCanonical(%q) changed dst to %q", in, got)
		}
		mustInvalidCase(t, in, Unmarshal([]byte(in), new(any)))
	}
}

func TestNestingLimit(t *testing.T) {
	ok := strings.Repeat("[", 64) + strings.Repeat("]", 64)
	if _, err := AppendCanonical(nil, []byte(ok)); err != nil {
		t.Fatalf("64 levels: %v", err)
	}
	if err := Unmarshal([]byte(ok), new(any)); err != nil {
		t.Fatalf("64 levels: %v", err)
	}
}

func mustInvalidCase(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%q: accepted, want an error", in)
		return
	}
	if _, ok := err.(*ValueError); !ok {
		t.Errorf("%q: err %T %v, want *ValueError", in, err, err)
	}
}
