package backend

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Routes of the Convex HTTP API (public_api_router in
// crates/local_backend/src/public_api.rs, nested under /api).
const (
	EndpointQuery      = "/api/query"
	EndpointMutation   = "/api/mutation"
	EndpointAction     = "/api/action"
	EndpointRun        = "/api/run"      // /api/run/{module...}/{fn}; any kind, root component
	EndpointFunction   = "/api/function" // any kind, any component; deploy key required
	EndpointQueryTS    = "/api/query_ts"
	EndpointQueryAtTS  = "/api/query_at_ts"
	EndpointQueryBatch = "/api/query_batch"
)

// MaxBodyBytes is the backend's request body limit,
// MAX_BACKEND_PUBLIC_API_REQUEST_SIZE (crates/common/src/knobs.rs): a larger
// body is answered with ErrBodyTooLarge.
const MaxBodyBytes = 16<<20 + 2000

// Body is a decoded request body of a function route. Which fields are
// read depends on the endpoint (see DecodeBody).
type Body struct {
	Path   string          // "path" (not /api/run, not /api/query_batch)
	Args   json.RawMessage // "args" as sent (any JSON value; the function checks it)
	Format string          // "format" as sent
	// HasFormat is false when "format" was absent or null.
	HasFormat     bool
	ComponentPath string // /api/function: "componentPath" as sent
	// HasComponentPath is false when "componentPath" was absent or null.
	HasComponentPath bool
	TS               string  // /api/query_at_ts: "ts" as sent
	Queries          []Query // /api/query_batch
}

// Query is one entry of a /api/query_batch body.
type Query struct {
	Path      string
	Args      json.RawMessage
	Format    string
	HasFormat bool
}

// JSONContentType reports whether a Content-Type header is one the backend
// reads as JSON: application/json or application/*+json, parameters
// ignored (json_content_type in crates/common/src/http/extract.rs).
func JSONContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

var (
	argsField   = bodyField{name: "args"}
	pathField   = bodyField{name: "path", isString: true}
	formatField = bodyField{name: "format", optional: true, isString: true}
)

// DecodeBody reads the body of a request to endpoint (an Endpoint*
// constant) as the backend's serde struct for that route: UdfPostRequest
// {path,args,format?} for /api/query, /api/mutation and /api/action;
// UdfPostRequestArgsOnly {args,format?} for /api/run;
// UdfPostRequestWithComponent {componentPath?,path,args,format?} for
// /api/function; UdfPostWithTsRequest {path,args,ts,format?} for
// /api/query_at_ts; QueryBatchArgs {queries:[UdfPostRequest...]} for
// /api/query_batch. Field names are case-sensitive, unknown fields are
// ignored, duplicates refused. A body that does not decode is a 400
// BadJsonBody *Error with axum's prefix and a serde-like detail, e.g.
// "Failed to deserialize the JSON body into the target type: missing field
// `path` at line 1 column 11" (positions approximate serde_json's).
func DecodeBody(endpoint string, body []byte) (Body, *Error) {
	var b Body
	if err := decodeBody(endpoint, body, &b); err != nil {
		return Body{}, &Error{Status: http.StatusBadRequest, Code: "BadJsonBody", Message: err.Error()}
	}
	return b, nil
}

func decodeBody(endpoint string, body []byte, b *Body) *bodyError {
	var (
		target string
		fields []bodyField
	)
	switch endpoint {
	case EndpointRun:
		target, fields = "UdfPostRequestArgsOnly", []bodyField{argsField, formatField}
	case EndpointFunction:
		target, fields = "UdfPostRequestWithComponent", []bodyField{{name: "componentPath", optional: true, isString: true}, pathField, argsField, formatField}
	case EndpointQueryAtTS:
		target, fields = "UdfPostWithTsRequest", []bodyField{pathField, argsField, {name: "ts", isString: true}, formatField}
	case EndpointQueryBatch:
		return decodeBatch(body, b)
	default:
		target, fields = "UdfPostRequest", []bodyField{pathField, argsField, formatField}
	}
	got, err := decodeStruct(body, target, fields)
	if err != nil {
		return err
	}
	if p, ok := got.get("path"); ok {
		b.Path = p.str()
	}
	a, _ := got.get("args")
	b.Args = a.raw
	if f, ok := got.get("format"); ok {
		b.Format, b.HasFormat = f.str(), true
	}
	if c, ok := got.get("componentPath"); ok {
		b.ComponentPath, b.HasComponentPath = c.str(), true
	}
	if t, ok := got.get("ts"); ok {
		b.TS = t.str()
	}
	return nil
}

// decodeBatch reads {"queries":[{path,args,format?},...]}.
func decodeBatch(body []byte, b *Body) *bodyError {
	got, err := decodeStruct(body, "QueryBatchArgs", []bodyField{{name: "queries"}})
	if err != nil {
		return err
	}
	q, _ := got.get("queries")
	var items []json.RawMessage
	if q.raw[0] != '[' || json.Unmarshal(q.raw, &items) != nil {
		return &bodyError{msg: "invalid type: " + unexpectedRaw(q.raw) + ", expected a sequence at " + position(body, q.end)}
	}
	b.Queries = make([]Query, 0, len(items))
	for _, item := range items {
		f, err := decodeStruct(item, "UdfPostRequest", []bodyField{pathField, argsField, formatField})
		if err != nil {
			err.syntax = false
			return err
		}
		p, _ := f.get("path")
		a, _ := f.get("args")
		bq := Query{Path: p.str(), Args: a.raw}
		if fv, ok := f.get("format"); ok {
			bq.Format, bq.HasFormat = fv.str(), true
		}
		b.Queries = append(b.Queries, bq)
	}
	return nil
}

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
	raw json.RawMessage // a sub-slice of the body
	end int             // offset after the value
}

// structValues are the fields found, aligned with the bodyFields asked for.
type structValues struct {
	fields []bodyField
	vals   []fieldValue // raw == nil: absent (or a null optional)
}

// get returns the value of the field named name.
func (v structValues) get(name string) (fieldValue, bool) {
	for i, f := range v.fields {
		if f.name == name {
			return v.vals[i], v.vals[i].raw != nil
		}
	}
	return fieldValue{}, false
}

// decodeStruct reads body as the struct named target with fields. Valid
// JSON is walked in place (no allocation per member), as serde does.
func decodeStruct(body []byte, target string, fields []bodyField) (structValues, *bodyError) {
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return structValues{}, &bodyError{syntax: true, msg: serdeSyntax(body, err) + " at " + position(body, syntaxOffset(err, len(body)))}
	}
	i := skipSpace(body, 0)
	if body[i] != '{' {
		d := json.NewDecoder(bytes.NewReader(body))
		tok, _ := d.Token()
		return structValues{}, &bodyError{msg: "invalid type: " + unexpected(tok) + ", expected struct " + target + " at " + position(body, int(d.InputOffset()))}
	}
	got := structValues{fields: fields, vals: make([]fieldValue, len(fields))}
	i = skipSpace(body, i+1)
	for body[i] != '}' {
		keyEnd := skipValue(body, i)
		key := jsonString(body[i:keyEnd])
		start := skipSpace(body, skipSpace(body, keyEnd)+1) // past ':'
		end := skipValue(body, start)
		for n, f := range fields {
			if f.name != key {
				continue
			}
			if got.vals[n].raw != nil {
				return structValues{}, &bodyError{msg: "duplicate field `" + key + "` at " + position(body, end)}
			}
			got.vals[n] = fieldValue{raw: body[start:end:end], end: end}
		}
		i = skipSpace(body, end)
		if body[i] == ',' {
			i = skipSpace(body, i+1)
		}
	}
	closing := i
	for n, f := range fields {
		v := got.vals[n]
		if v.raw != nil && string(v.raw) == "null" && f.optional {
			got.vals[n] = fieldValue{}
			continue
		}
		if v.raw == nil {
			if f.optional {
				continue
			}
			return structValues{}, &bodyError{msg: "missing field `" + f.name + "` at " + position(body, closing+1)}
		}
		if f.isString && v.raw[0] != '"' {
			return structValues{}, &bodyError{msg: "invalid type: " + unexpectedRaw(v.raw) + ", expected a string at " + position(body, v.end)}
		}
	}
	return got, nil
}

// str decodes a string field (validated by decodeStruct).
func (v fieldValue) str() string { return jsonString(v.raw) }

// jsonString decodes a valid JSON string; one without escapes is copied
// as is.
func jsonString(raw []byte) string {
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the offset just after the value starting at i, in
// JSON already checked with json.Valid.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		for i++; b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return i + 1
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipValue(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",]} \t\n\r", rune(b[i])) {
		i++
	}
	return i
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
