package convexclient

import (
	"reflect"
	"strconv"
)

// ValueMarshaler is implemented by a type whose Convex value is another Go
// value, such as a union that holds one of several variants: Marshal encodes
// ConvexValue's result in its place. Marshal prefers it to json.Marshaler,
// so a type can implement both (MarshalJSON for encoding/json, usually
// json.Marshal of the same value).
type ValueMarshaler interface {
	ConvexValue() (any, error)
}

// ValueUnmarshaler is implemented by a type that decodes itself from a
// Convex-encoded JSON value: Unmarshal passes it the value's bytes (valid
// JSON, special objects validated). Unmarshal prefers it to json.Unmarshaler.
// data is only valid during the call.
type ValueUnmarshaler interface {
	UnmarshalConvex(data []byte) error
}

var (
	valueMarshalerType   = reflect.TypeFor[ValueMarshaler]()
	valueUnmarshalerType = reflect.TypeFor[ValueUnmarshaler]()
)

// UnmarshalExact is Unmarshal that accepts only a value whose shape is
// exactly v's type, the test a union uses to pick its variant: objects must
// not have fields v's struct lacks (keys match json tags exactly, not by
// letter case), float targets take only numbers and {"$float":...}, integer
// targets only {"$integer":...}, and null only a pointer, interface, slice
// or map (an Optional of another type rejects null rather than staying
// unset). Required struct fields must be present, as with Unmarshal.
func UnmarshalExact(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return valueErr("UnmarshalExact needs a non-nil pointer")
	}
	d := decoder{scanner: scanner{data: data}, exact: true}
	d.skipWS()
	if err := d.value(rv.Elem()); err != nil {
		return err
	}
	return d.end()
}

// VariantCountError is the error a generated union's ConvexValue returns
// when n of its variants are set instead of exactly one. It matches
// ErrInvalidValue.
func VariantCountError(union string, n int) error {
	return valueErr("union " + union + " has " + strconv.Itoa(n) + " variants set, want exactly 1")
}

// NoVariantError is the error a generated union's UnmarshalConvex returns
// when the value matches none of its variants. It matches ErrInvalidValue.
func NoVariantError(union string) error {
	return valueErr("value matches no variant of union " + union)
}
