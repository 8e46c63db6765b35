package convexclient

import (
	"encoding/json"
	"reflect"
)

// Optional is an object field that may be absent, the Go form of a Convex
// optional field (v.optional(...)): absent on the wire when unset, and
// distinguishable from null, which Optional[*T] holds as Set with a nil
// Value. The zero value is unset.
//
// Marshal leaves an unset Optional struct field out of the object; an unset
// Optional anywhere else (an array element, a map value, the top level) is
// an error, as JavaScript's undefined is there. Unmarshal sets Set when the
// field is present. A null for a T that cannot hold it (not a pointer,
// slice, map or interface) leaves the Optional unset.
//
// With encoding/json, tag the field `json:"name,omitzero"` (IsZero reports
// unset) and an unset Optional is left out as well; a set one encodes as its
// Value.
type Optional[T any] struct {
	Value T    // meaningful only when Set
	Set   bool // the field is present
}

// Some returns an Optional holding v.
func Some[T any](v T) Optional[T] { return Optional[T]{Value: v, Set: true} }

// Get returns the value and whether it is set.
func (o Optional[T]) Get() (T, bool) { return o.Value, o.Set }

// IsZero reports whether o is unset; encoding/json's omitzero uses it.
func (o Optional[T]) IsZero() bool { return !o.Set }

// Ptr returns a pointer to a copy of the value, or nil when unset.
func (o Optional[T]) Ptr() *T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}

// MarshalJSON is for encoding/json: the value, or null when unset (left out
// of the object with omitzero). Marshal does not call it.
func (o Optional[T]) MarshalJSON() ([]byte, error) {
	if !o.Set {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

// UnmarshalJSON is for encoding/json: present sets the Optional, with the
// same null rule as Unmarshal. Unmarshal does not call it.
func (o *Optional[T]) UnmarshalJSON(data []byte) error {
	if string(data) == "null" && !nilable(reflect.TypeFor[T]()) {
		*o = Optional[T]{}
		return nil
	}
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*o = Optional[T]{Value: v, Set: true}
	return nil
}

// optionalType marks Optional instantiations for the encoder and decoder,
// which handle them natively: field 0 is Value, field 1 is Set.
func (Optional[T]) optionalType() {}

type optionalMarker interface{ optionalType() }

var optionalMarkerType = reflect.TypeFor[optionalMarker]()

// nilable reports whether a Go value of type t can be nil (and so hold a
// Convex null).
func nilable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return true
	}
	return false
}

// Null is the Go type of a Convex null result (a function without a return
// value, or v.null()): it decodes from null and encodes as null.
type Null = *struct{}
