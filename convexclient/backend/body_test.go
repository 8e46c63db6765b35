package backend

import (
	"encoding/json"
	"testing"
)

// TestBodyErrors: serde-like BadJsonBody texts with axum's prefixes.
func TestBodyErrors(t *testing.T) {
	fields := []bodyField{pathField, argsField, formatField}
	tests := []struct{ body, want string }{
		{``, "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0"},
		{`{"path":`, "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 8"},
		{`{"path":"a`, "Failed to parse the request body as JSON: EOF while parsing a string at line 1 column 10"},
		{`{"args":[1,`, "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 11"},
		{`{"args":[1`, "Failed to parse the request body as JSON: EOF while parsing a list at line 1 column 10"},
		{`{"args":1,`, "Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 10"},
		{`{"args":{}`, "Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 10"},
		{`x`, "Failed to parse the request body as JSON: expected value at line 1 column 1"},
		{`{"path":"a"}x`, "Failed to parse the request body as JSON: trailing characters at line 1 column 13"},
		{`{"path" "a"}`, "Failed to parse the request body as JSON: expected `:` at line 1 column 9"},
		{`{path:1}`, "Failed to parse the request body as JSON: key must be a string at line 1 column 2"},
		{`{"args":{}}`, "Failed to deserialize the JSON body into the target type: missing field `path` at line 1 column 11"},
		{`{"path":"a:b"}`, "Failed to deserialize the JSON body into the target type: missing field `args` at line 1 column 14"},
		{`{"path":1,"args":{}}`, "Failed to deserialize the JSON body into the target type: invalid type: integer `1`, expected a string at line 1 column 9"},
		{`{"path":"a","args":{},"format":[]}`, "Failed to deserialize the JSON body into the target type: invalid type: sequence, expected a string at line 1 column 33"},
		{`{"path":"a","path":"b","args":{}}`, "Failed to deserialize the JSON body into the target type: duplicate field `path` at line 1 column 22"},
		{`[1]`, "Failed to deserialize the JSON body into the target type: invalid type: sequence, expected struct UdfPostRequest at line 1 column 1"},
	}
	for _, tt := range tests {
		_, err := decodeStruct([]byte(tt.body), "UdfPostRequest", fields)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.body, err, tt.want)
		}
	}
	got, err := decodeStruct([]byte(`{"path":"a:b","args":{"x":1},"format":null,"extra":true}`), "UdfPostRequest", fields)
	p, _ := got.get("path")
	a, _ := got.get("args")
	if err != nil || p.str() != "a:b" || string(a.raw) != `{"x":1}` {
		t.Errorf("valid body: %v %v", got, err)
	}
	if _, ok := got.get("format"); ok {
		t.Error("null format is present")
	}
}

// FuzzDecodeStructOracle: the in-place walk gives what encoding/json's
// Decoder gives: the same error text, or the same fields, bytes and offsets.
func FuzzDecodeStructOracle(f *testing.F) {
	for _, s := range []string{``, `{"path":`, `{"path":"a:b","args":{"x":[1,"]}"]},"format":null,"extra":true}`,
		` { "path" : "p\u0061" , "args" : [ ] } `, `{"path":"a","path":"b","args":{}}`, `[1]`, `"x"`, `{}`,
		`{"args":1,"path":2}`, `{"p\u0061th":"x","args":{}}`, "{\"path\":\"\xff\",\"args\":{}}", `{"format":"x","args":null,"path":""}`} {
		f.Add([]byte(s))
	}
	fields := []bodyField{pathField, argsField, formatField}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeStruct(body, "UdfPostRequest", fields)
		want, werr := decodeStructOracle(body, "UdfPostRequest", fields)
		if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) {
			t.Fatalf("%q: error %v, oracle %v", body, err, werr)
		}
		if err != nil {
			return
		}
		for _, fd := range fields {
			g, gok := got.get(fd.name)
			w, wok := want[fd.name]
			if gok != wok || string(g.raw) != string(w.raw) || g.end != w.end || (fd.isString && gok && g.str() != w.strOracle()) {
				t.Fatalf("%q: field %s: %q@%d (%v), oracle %q@%d (%v)", body, fd.name, g.raw, g.end, gok, w.raw, w.end, wok)
			}
		}
	})
}

// str is the oracle's string decoding.
func (v fieldValue) strOracle() string {
	var s string
	_ = json.Unmarshal(v.raw, &s)
	return s
}

// BenchmarkDecodeBody: the body of a typical /api/query call.
func BenchmarkDecodeBody(b *testing.B) {
	body := []byte(`{"path":"tasks:list","format":"convex_encoded_json","args":[{"status":"pending","paginationOpts":{"numItems":20,"cursor":null}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBody(EndpointQuery, body); err != nil {
			b.Fatal(err)
		}
	}
}
