package backend

import "testing"

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
	if err != nil || got["path"].str() != "a:b" || string(got["args"].raw) != `{"x":1}` {
		t.Errorf("valid body: %v %v", got, err)
	}
	if _, ok := got["format"]; ok {
		t.Error("null format is present")
	}
}
