package routes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Limits on what a request body may carry, so error maps stay small and no
// attacker-chosen text is echoed back at length.
const (
	maxFieldErrors  = 20       // at most this many entries in one 400 response
	maxEchoedKeyLen = 64       // unknown field names longer than this are cut
	maxJSONBody     = 64 << 10 // a REST create/patch body (not the passthrough)
)

// FieldErrors collects field-level validation messages: field name →
// message. The first message recorded for a field wins; at most 20 are kept.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message or the
// map is full.
func (e FieldErrors) Add(field, msg string) {
	if _, ok := e[field]; ok || len(e) >= maxFieldErrors {
		return
	}
	e[field] = msg
}

// Validator is implemented (on the pointer) by body types with rules beyond
// JSON types and presence: lengths, enums, id syntax, cross-field rules.
// Validate runs unless a field had the wrong JSON type, and records each
// problem in errs.
type Validator interface {
	Validate(errs FieldErrors)
}

// fieldSpec is one JSON field of a body struct.
type fieldSpec struct {
	index    int
	required bool     // neither a pointer nor tagged omitempty
	typeMsg  string   // "must be a string", ...
	enum     []string // the values of an enum type (see enumValues)
}

// BodySpec decodes JSON request bodies into one struct type strictly: the
// body must be one JSON object; unknown fields, wrong JSON types and missing
// required fields are all reported at once, each under its field name. A
// field is required unless it is a pointer, a convexclient.Optional or
// tagged omitempty/omitzero; a JSON null counts as absent. A field whose
// type (or pointer or Optional element) has a method Values() []string, as
// convexgen's enum types do, must hold one of those values. When NonEmpty
// is set (patch bodies) at least one field must be present. The path field (the document
// id of a PATCH: tagged `body:"path"`, or named by NewBodySpec) is not read
// from the body (sending it there is an unknown field); SetPathID fills it.
// A BodySpec is immutable and safe for concurrent use.
type BodySpec struct {
	t         reflect.Type
	fields    map[string]fieldSpec
	nonEmpty  bool
	pathField int // index of the path field, -1 if none
}

// NewBodySpec builds the spec of struct type t from its json tags. pathJSON,
// when not empty, names (by JSON name) the string field filled from the URL
// instead of the body; a field tagged `body:"path"` is the path field too.
// nonEmpty requires at least one body field. It fails when t is not a struct
// or the path field is missing or not a string.
func NewBodySpec(t reflect.Type, nonEmpty bool, pathJSON string) (*BodySpec, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("routes: body type %s is not a struct", t)
	}
	s := &BodySpec{t: t, fields: make(map[string]fieldSpec, t.NumField()), nonEmpty: nonEmpty, pathField: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if f.Tag.Get("body") == "path" || (pathJSON != "" && name == pathJSON) {
			if f.Type.Kind() != reflect.String {
				return nil, fmt.Errorf("routes: path field %s.%s is not a string", t, f.Name)
			}
			s.pathField = i
			continue
		}
		s.fields[name] = fieldSpec{
			index:    i,
			required: requiredField(f.Type, opts),
			typeMsg:  typeMessage(f.Type),
			enum:     enumValues(f.Type),
		}
	}
	if pathJSON != "" && s.pathField < 0 {
		return nil, fmt.Errorf("routes: body type %s has no string field %q for the path id", t, pathJSON)
	}
	return s, nil
}

// requiredField: a field that is neither a pointer nor an Optional nor
// tagged omitempty (or omitzero) is required.
func requiredField(t reflect.Type, opts string) bool {
	opts = "," + opts + ","
	if strings.Contains(opts, ",omitempty,") || strings.Contains(opts, ",omitzero,") {
		return false
	}
	if _, ok := optionalElem(t); ok {
		return false
	}
	return t.Kind() != reflect.Pointer
}

// typeMessage is the message for a JSON value of the wrong type for t.
func typeMessage(t reflect.Type) string {
	if e, ok := optionalElem(t); ok {
		t = e
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be a boolean"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be an integer"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.String {
			return "must be an array of strings"
		}
		return "must be an array"
	}
	return "must be an object"
}

// Decode parses body into a new value of the spec's type (a pointer to it
// is returned). On failure it returns the field errors (never empty): key
// "body" for problems with the body as a whole.
func (s *BodySpec) Decode(body []byte) (reflect.Value, FieldErrors) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return reflect.Value{}, FieldErrors{"body": "must be a JSON object"}
	}
	if body[0] != '{' {
		if !json.Valid(body) {
			return reflect.Value{}, FieldErrors{"body": "malformed JSON"}
		}
		return reflect.Value{}, FieldErrors{"body": "must be a JSON object"}
	}
	raw, dup, err := objectFields(body)
	if err != nil {
		return reflect.Value{}, FieldErrors{"body": "malformed JSON"}
	}
	errs := FieldErrors{}
	if dup != "" {
		errs.Add(echoKey(dup), "is given more than once")
	}
	out := reflect.New(s.t)
	v := out.Elem()
	present, typeErrs := 0, false
	for key, val := range raw {
		f, ok := s.fields[key]
		if !ok {
			errs.Add(echoKey(key), "unknown field")
			continue
		}
		if bytes.Equal(val, []byte("null")) {
			continue // absent
		}
		present++
		fv := v.Field(f.index)
		if err := json.Unmarshal(val, fv.Addr().Interface()); err != nil {
			errs.Add(key, f.typeMsg)
			typeErrs = true
			continue
		}
		if f.enum != nil {
			if s, ok := enumString(fv); ok && !slices.Contains(f.enum, s) {
				errs.Add(key, "must be one of: "+strings.Join(f.enum, ", "))
			}
		}
	}
	for name, f := range s.fields {
		if !f.required {
			continue
		}
		if val, ok := raw[name]; !ok || bytes.Equal(val, []byte("null")) {
			errs.Add(name, "is required")
		}
	}
	if s.nonEmpty && present == 0 && len(errs) == 0 {
		errs.Add("body", "must set at least one field")
	}
	if !typeErrs {
		// Rules also run beside unknown or missing fields, so one answer
		// names every problem; a field's first message wins.
		if vd, ok := out.Interface().(Validator); ok {
			vd.Validate(errs)
		}
	}
	if len(errs) > 0 {
		return reflect.Value{}, errs
	}
	return out, nil
}

// SetPathID stores id in the path field of v (a pointer returned by
// Decode), if the type has one.
func (s *BodySpec) SetPathID(v reflect.Value, id string) {
	if s.pathField >= 0 {
		v.Elem().Field(s.pathField).SetString(id)
	}
}

// objectFields splits a JSON object into its members. dup names the first
// key given twice (JSON parsers disagree on which one wins, so a body that
// repeats a key is refused rather than guessed at).
func objectFields(body []byte) (map[string]json.RawMessage, string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // {
		return nil, "", err
	}
	out := map[string]json.RawMessage{}
	dup := ""
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, "", err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, "", fmt.Errorf("routes: object key is not a string")
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, "", err
		}
		if _, seen := out[key]; seen && dup == "" {
			dup = key
		}
		out[key] = val
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, "", err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, "", fmt.Errorf("routes: data after the JSON object")
	}
	return out, dup, nil
}

// Bind reads the request body of c as one JSON object into a T with the
// BodySpec rules (strict: unknown, duplicate, missing and mistyped fields are
// a 400 naming each; T's Validate runs when it implements Validator). The
// Content-Type must be application/json. For handlers of an app's own
// routes; Resource uses the same rules.
func Bind[T any](c echo.Context) (T, error) {
	var zero T
	spec, err := NewBodySpec(reflect.TypeFor[T](), false, "")
	if err != nil {
		return zero, err
	}
	body, err := ReadJSONBody(c)
	if err != nil {
		return zero, err
	}
	v, errs := spec.Decode(body)
	if errs != nil {
		return zero, Invalid(errs)
	}
	return v.Elem().Interface().(T), nil
}

// ReadJSONBody reads a JSON request body of at most 64 KiB. A Content-Type
// other than application/json is a 400 naming it; a larger body is a 413.
func ReadJSONBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	if mt, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEApplicationJSON {
		return nil, Invalid(map[string]string{"Content-Type": "must be application/json"})
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxJSONBody+1))
	if err != nil {
		return nil, err // the body limit middleware's *echo.HTTPError 413, or a broken connection
	}
	if len(body) > maxJSONBody {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
			Message: "The request body is too large."}
	}
	return body, nil
}

// echoKey makes an unknown field name safe to send back: valid UTF-8 and
// bounded in length.
func echoKey(k string) string {
	k = strings.ToValidUTF8(k, "?")
	if len(k) > maxEchoedKeyLen {
		k = k[:maxEchoedKeyLen]
		for !utf8.ValidString(k) {
			k = k[:len(k)-1]
		}
	}
	return k
}

// CheckEnum records an error under field unless s is one of allowed.
func CheckEnum(errs FieldErrors, field, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	errs.Add(field, "must be one of: "+strings.Join(allowed, ", "))
}

// CheckOptionalEnum is CheckEnum for an optional field: nil passes.
func CheckOptionalEnum(errs FieldErrors, field string, s *string, allowed ...string) {
	if s != nil {
		CheckEnum(errs, field, *s, allowed...)
	}
}

// CheckDocumentID records an error under field unless s looks like a
// Convex document id (see ValidDocumentID).
func CheckDocumentID(errs FieldErrors, field, s string) {
	if !ValidDocumentID(s) {
		errs.Add(field, "must be a document id")
	}
}
