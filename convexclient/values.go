package convexclient

import (
	"errors"
	"reflect"
	"strconv"
	"sync"
)

// ErrInvalidValue is matched (errors.Is) by every error about a value that is
// not a valid Convex value, or that does not fit the Go type it is decoded
// into. The concrete error is a *ValueError.
var ErrInvalidValue = errors.New("convexclient: invalid Convex value")

// ValueError describes why a value is not a valid Convex value (or does not
// fit its Go target). It matches ErrInvalidValue with errors.Is.
type ValueError struct {
	// Path locates the offending value: "" for the root, otherwise object
	// keys and array indexes such as "user.tags[2]".
	Path string
	// Reason is a human-readable explanation.
	Reason string
	err    error // optional cause (for example from a json.Marshaler)
}

// Error implements error.
func (e *ValueError) Error() string {
	if e.Path == "" {
		return "convexclient: invalid Convex value: " + e.Reason
	}
	return "convexclient: invalid Convex value at " + e.Path + ": " + e.Reason
}

// Is reports whether target is ErrInvalidValue.
func (e *ValueError) Is(target error) bool { return target == ErrInvalidValue }

// Unwrap returns the underlying cause, if any.
func (e *ValueError) Unwrap() error { return e.err }

func valueErr(reason string) error { return &ValueError{Reason: reason} }

// atKey prefixes err's path with an object key.
func atKey(err error, key string) error {
	if ve, ok := err.(*ValueError); ok {
		if ve.Path == "" || ve.Path[0] == '[' {
			ve.Path = key + ve.Path
		} else {
			ve.Path = key + "." + ve.Path
		}
	}
	return err
}

// atIndex prefixes err's path with an array index.
func atIndex(err error, i int) error {
	if ve, ok := err.(*ValueError); ok {
		seg := "[" + strconv.Itoa(i) + "]"
		if ve.Path == "" || ve.Path[0] == '[' {
			ve.Path = seg + ve.Path
		} else {
			ve.Path = seg + "." + ve.Path
		}
	}
	return err
}

// Marshal encodes v as Convex-encoded JSON, the form the Convex HTTP API
// reads for function arguments.
//
// Mapping: int64 kinds (including Int64) become {"$integer":...}; []byte and
// Bytes become {"$bytes":...}; floats are JSON numbers, or {"$float":...} for
// NaN, ±Inf and -0; other integer kinds are JSON numbers (an error beyond
// ±2^53); strings, bools and nil as in JSON; slices and arrays are arrays;
// maps with string keys and structs (json tags: name, omitempty, "-") are
// objects with keys sorted bytewise (omitzero leaves out zero values, and an
// unset Optional field is absent); json.Number is a number; a ValueMarshaler
// is encoded as the value it returns; json.RawMessage and other
// json.Marshaler results are validated and normalised. Object keys
// must be printable ASCII, not start with '$' and be at most 1024 bytes.
// Errors match ErrInvalidValue.
func Marshal(v any) ([]byte, error) {
	e := encoderPool.Get().(*encoder)
	e.buf, e.depth = e.buf[:0], 0
	err := e.value(reflect.ValueOf(v))
	var out []byte
	if err == nil {
		out = append(make([]byte, 0, len(e.buf)), e.buf...)
	}
	if cap(e.buf) <= 64<<10 { // don't keep huge buffers alive
		encoderPool.Put(e)
	}
	return out, err
}

// encoderPool recycles encoder scratch buffers; Marshal copies the result
// out, so the only allocation of a successful call is the returned slice.
var encoderPool = sync.Pool{New: func() any { return &encoder{buf: make([]byte, 0, 512)} }}

// Unmarshal decodes Convex-encoded JSON (including backend text such as
// 42.0) into v, which must be a non-nil pointer.
//
// Integer targets accept {"$integer":...} and integral JSON numbers within
// range; float targets accept numbers, {"$float":...} and {"$integer":...};
// []byte and Bytes accept {"$bytes":...}; interface targets receive nil,
// bool, float64, string, int64, []byte, []any or map[string]any. Invalid
// special objects, reserved or non-ASCII field names and malformed JSON are
// rejected. Unknown struct fields are ignored; field names match json tags
// exactly, then case-insensitively. Decoding is strict about required
// fields: an object that lacks a struct field that is not a pointer, not an
// Optional, not tagged omitempty or omitzero and not reached through an
// embedded pointer fails with an error naming the field (`required field
// "dueAt" missing`), so a field the backend does not send never becomes a
// silent zero value; UnmarshalPartial skips that check. Optional fields are
// set when present; types implementing ValueUnmarshaler (generated unions)
// decode themselves. Errors match ErrInvalidValue.
//
// Unmarshal keeps no reference to data. Decoded strings of a document of at
// most 64 KiB may share one string copy of it (one allocation instead of
// one per string); holding any of them keeps that copy alive.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return valueErr("Unmarshal needs a non-nil pointer")
	}
	d := decoder{scanner: scanner{data: data}}
	d.skipWS()
	if err := d.value(rv.Elem()); err != nil {
		return err
	}
	return d.end()
}

// AppendCanonical appends data, any Convex-encoded JSON value, re-printed
// exactly as the Convex backend prints it: compact, object keys sorted
// bytewise (duplicates: last wins), floats formatted like Rust's
// serde_json/ryu (42.0, 1e21, 1.5e-7), strings escaped like serde_json,
// special objects kept. Invalid input is rejected with an error matching
// ErrInvalidValue and dst is returned unchanged.
func AppendCanonical(dst, data []byte) ([]byte, error) {
	p := printer{scanner: scanner{data: data}, out: dst, mode: modeRyu}
	if err := p.run(); err != nil {
		return dst, err
	}
	return p.out, nil
}
