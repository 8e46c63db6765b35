package routes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Limits on what a request body may carry, so error maps stay small and no
// attacker-chosen text is echoed back at length.
const (
	maxFieldErrors  = 20 // at most this many entries in one 400 response
	maxEchoedKeyLen = 64 // unknown field names longer than this are cut
)

// fieldErrors collects field-level validation messages: field name → message.
// The first message recorded for a field wins.
type fieldErrors map[string]string

// add records msg for field unless the field already has a message or the
// map is full.
func (e fieldErrors) add(field, msg string) {
	if _, ok := e[field]; ok || len(e) >= maxFieldErrors {
		return
	}
	e[field] = msg
}

// validator is implemented by body types with rules beyond JSON types and
// presence (lengths, enums, id syntax, cross-field rules). validate runs
// unless a field had the wrong JSON type.
type validator interface {
	validate(errs fieldErrors)
}

// fieldSpec is one JSON field of a body struct.
type fieldSpec struct {
	index    int
	required bool   // neither a pointer nor tagged omitempty
	typeMsg  string // "must be a string", ...
}

// bodySpec decodes JSON request bodies into T strictly: the body must be one
// JSON object; unknown fields, wrong JSON types and missing required fields
// are all reported at once, each under its field name. A field is required
// unless it is a pointer or its json tag says omitempty; a JSON null counts
// as absent. When nonEmpty is set (patch bodies) at least one field must be
// present. A bodySpec is immutable after construction and safe for
// concurrent use.
//
// A field tagged `body:"path"` (the document id of a PATCH) is not read from
// the body (sending it there is an unknown field); setPathID fills it.
type bodySpec[T any] struct {
	fields    map[string]fieldSpec
	nonEmpty  bool
	pathField int // index of the `body:"path"` field, -1 if none
}

// newBodySpec builds the spec of struct type T from its json tags. It panics
// when T is not a struct: body types are declared in code, so that is a
// programming error found by the first test run.
func newBodySpec[T any](nonEmpty bool) bodySpec[T] {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("routes: body type %s is not a struct", t))
	}
	s := bodySpec[T]{fields: make(map[string]fieldSpec, t.NumField()), nonEmpty: nonEmpty, pathField: -1}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Tag.Get("body") == "path" {
			if f.Type.Kind() != reflect.String {
				panic(fmt.Sprintf("routes: path field %s.%s is not a string", t, f.Name))
			}
			s.pathField = i
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.fields[name] = fieldSpec{
			index:    i,
			required: f.Type.Kind() != reflect.Pointer && !strings.Contains(","+opts+",", ",omitempty,"),
			typeMsg:  typeMessage(f.Type),
		}
	}
	return s
}

// typeMessage is the message for a JSON value of the wrong type for t.
func typeMessage(t reflect.Type) string {
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

// decode parses body into a T. On failure it returns the field errors (never
// empty): key "body" for problems with the body as a whole.
func (s bodySpec[T]) decode(body []byte) (T, fieldErrors) {
	var out T
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return out, fieldErrors{"body": "must be a JSON object"}
	}
	if body[0] != '{' {
		if !json.Valid(body) {
			return out, fieldErrors{"body": "malformed JSON"}
		}
		return out, fieldErrors{"body": "must be a JSON object"}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return out, fieldErrors{"body": "malformed JSON"}
	}
	errs := fieldErrors{}
	v := reflect.ValueOf(&out).Elem()
	present, typeErrs := 0, false
	for key, val := range raw {
		f, ok := s.fields[key]
		if !ok {
			errs.add(echoKey(key), "unknown field")
			continue
		}
		if bytes.Equal(val, []byte("null")) {
			continue // absent
		}
		present++
		if err := json.Unmarshal(val, v.Field(f.index).Addr().Interface()); err != nil {
			errs.add(key, f.typeMsg)
			typeErrs = true
		}
	}
	for name, f := range s.fields {
		if !f.required {
			continue
		}
		if val, ok := raw[name]; !ok || bytes.Equal(val, []byte("null")) {
			errs.add(name, "is required")
		}
	}
	if s.nonEmpty && present == 0 && len(errs) == 0 {
		errs.add("body", "must set at least one field")
	}
	if !typeErrs {
		// Rules also run beside unknown or missing fields, so one answer
		// names every problem; a field's first message wins.
		if vd, ok := any(&out).(validator); ok {
			vd.validate(errs)
		}
	}
	if len(errs) > 0 {
		var zero T
		return zero, errs
	}
	return out, nil
}

// setPathID stores id in the `body:"path"` field of v, if T has one.
func (s bodySpec[T]) setPathID(v *T, id string) {
	if s.pathField >= 0 {
		reflect.ValueOf(v).Elem().Field(s.pathField).SetString(id)
	}
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

// checkEnum records an error unless s is one of allowed.
func checkEnum(errs fieldErrors, field, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	errs.add(field, "must be one of: "+strings.Join(allowed, ", "))
}

// checkOptEnum is checkEnum for an optional field: nil passes.
func checkOptEnum(errs fieldErrors, field string, s *string, allowed ...string) {
	if s != nil {
		checkEnum(errs, field, *s, allowed...)
	}
}

// checkDocID records an error unless s looks like a document id.
func checkDocID(errs fieldErrors, field, s string) {
	if !validID(s) {
		errs.add(field, "must be a document id")
	}
}
