package convextest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Request bodies are read as the backend's serde structs
// (crates/local_backend/src/public_api.rs UdfPostRequest,
// UdfPostWithTsRequest, UdfPostRequestArgsOnly, QueryBatchArgs;
// args_structs.rs UdfPostRequestWithComponent): camelCase fields, unknown
// fields ignored, duplicates refused. Errors are BadJsonBody with axum's
// prefixes and serde-like details ("missing field `path` at line 1 column
// 11"; positions are approximations of serde_json's).

// bodyField describes one field of a body struct.
type bodyField struct {
	name     string
	optional bool // Option<...>: absent and null are None
	isString bool // String (else any JSON value)
}

// bodyError is a body that does not deserialize; syntax errors and data
// errors have different prefixes, as in axum's JsonRejection.
type bodyError struct {
	syntax bool
	msg    string
}

func (e *bodyError) Error() string {
	if e.syntax {
		return "Failed to parse the request body as JSON: " + e.msg
	}
	return "Failed to deserialize the JSON body into the target type: " + e.msg
}

// fieldValue is a field's raw JSON as found in the body.
type fieldValue struct {
	raw json.RawMessage
	end int // offset after the value
}

// decodeStruct reads body as the struct named target with fields.
func decodeStruct(body []byte, target string, fields []bodyField) (map[string]fieldValue, *bodyError) {
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return nil, &bodyError{syntax: true, msg: serdeSyntax(body, err) + " at " + position(body, syntaxOffset(err, len(body)))}
	}
	d := json.NewDecoder(bytes.NewReader(body))
	tok, _ := d.Token()
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, &bodyError{msg: "invalid type: " + unexpected(tok) + ", expected struct " + target + " at " + position(body, int(d.InputOffset()))}
	}
	got := map[string]fieldValue{}
	for d.More() {
		kt, _ := d.Token()
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return nil, &bodyError{syntax: true, msg: err.Error()}
		}
		end := int(d.InputOffset())
		for _, f := range fields {
			if f.name != key {
				continue
			}
			if _, dup := got[key]; dup {
				return nil, &bodyError{msg: "duplicate field `" + key + "` at " + position(body, end)}
			}
			got[key] = fieldValue{raw: raw, end: end}
		}
	}
	closing := int(d.InputOffset())
	for _, f := range fields {
		v, ok := got[f.name]
		if ok && string(v.raw) == "null" && f.optional {
			delete(got, f.name)
			continue
		}
		if !ok {
			if f.optional {
				continue
			}
			return nil, &bodyError{msg: "missing field `" + f.name + "` at " + position(body, closing+1)}
		}
		if f.isString && v.raw[0] != '"' {
			return nil, &bodyError{msg: "invalid type: " + unexpectedRaw(v.raw) + ", expected a string at " + position(body, v.end)}
		}
	}
	return got, nil
}

// str decodes a string field (validated by decodeStruct).
func (v fieldValue) str() string {
	var s string
	_ = json.Unmarshal(v.raw, &s)
	return s
}

// position is serde_json's "line L column C" for a 0-based offset just
// after the last byte read.
func position(body []byte, off int) string {
	off = min(max(off, 0), len(body))
	line := 1 + bytes.Count(body[:off], []byte{'\n'})
	col := off - (bytes.LastIndexByte(body[:off], '\n') + 1)
	return "line " + strconv.Itoa(line) + " column " + strconv.Itoa(col)
}

func syntaxOffset(err error, n int) int {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return int(se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return n
	}
	return 0
}

// unexpected names a JSON token as serde's Unexpected does.
func unexpected(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "sequence"
		}
		return "map"
	case string:
		return "string " + strconv.Quote(t)
	case float64:
		return "floating point `" + strconv.FormatFloat(t, 'g', -1, 64) + "`"
	case bool:
		return "boolean `" + strconv.FormatBool(t) + "`"
	case nil:
		return "null"
	}
	return "value"
}

// unexpectedRaw names a raw JSON value as serde's Unexpected does.
func unexpectedRaw(raw json.RawMessage) string {
	switch raw[0] {
	case '[':
		return "sequence"
	case '{':
		return "map"
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean `" + string(raw) + "`"
	}
	s := string(raw)
	if strings.ContainsAny(s, ".eE") {
		return "floating point `" + s + "`"
	}
	if strings.HasPrefix(s, "-") {
		return "integer `" + s + "`"
	}
	return "integer `" + s + "`"
}

// serdeSyntax names a JSON syntax error as serde_json does (its common
// cases): "EOF while parsing an object", "expected value", "key must be a
// string", "expected `:`", "expected `,` or `}`", "trailing characters".
func serdeSyntax(body []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) || strings.Contains(se.Error(), "unexpected end") {
		return "EOF while parsing " + openContext(body)
	}
	m := se.Error()
	switch {
	case strings.Contains(m, "after top-level value"):
		return "trailing characters"
	case strings.Contains(m, "looking for beginning of object key string"):
		return "key must be a string"
	case strings.Contains(m, "after object key:value pair"):
		return "expected `,` or `}`"
	case strings.Contains(m, "after object key"):
		return "expected `:`"
	case strings.Contains(m, "after array element"):
		return "expected `,` or `]`"
	case strings.Contains(m, "in string"):
		return "control character (\\u0000-\\u001F) found while parsing a string"
	}
	return "expected value"
}

// openContext names the innermost construct left open at the end of body.
func openContext(body []byte) string {
	var stack []byte
	inString := false
	last := byte(0) // last significant byte outside strings
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !inString && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			last = c
		}
		switch {
		case inString && c == '\\':
			i++
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			stack = append(stack, c)
		case (c == '}' || c == ']') && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	switch {
	case inString:
		return "a string"
	case len(stack) == 0, last == ':', last == ',' && stack[len(stack)-1] == '[':
		return "a value"
	case stack[len(stack)-1] == '{':
		return "an object"
	}
	return "a list"
}
