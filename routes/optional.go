package routes

import (
	"reflect"
	"strings"
)

// Generated bindings (cmd/convexgen) use convexclient.Optional[T] for
// optional fields and named string types with a Values method for unions of
// string literals. The REST layer reads both: an Optional field is a filter
// or body field that may be absent, and an enum's values restrict what a
// query parameter or body field may hold, so that bad input is a 400
// before any backend call.

// optionalPkg is the import path of convexclient.Optional.
const optionalPkg = "github.com/convexgw/convexgw/convexclient"

// optionalElem returns T when t is convexclient.Optional[T].
func optionalElem(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != optionalPkg || !strings.HasPrefix(t.Name(), "Optional[") ||
		t.NumField() != 2 || t.Field(1).Type.Kind() != reflect.Bool {
		return nil, false
	}
	return t.Field(0).Type, true
}

// setOptional stores x (of the Optional's element type) in dst, an
// Optional[T], and marks it set.
func setOptional(dst, x reflect.Value) {
	dst.Field(0).Set(x)
	dst.Field(1).SetBool(true)
}

// valuesLister is implemented by generated enum types (unions of string
// literals).
type valuesLister interface{ Values() []string }

// enumValues returns the values of t when t, a pointer to it or the T of an
// Optional[T] is an enum type (has a method Values() []string), else nil.
func enumValues(t reflect.Type) []string {
	if e, ok := optionalElem(t); ok {
		t = e
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.String {
		return nil
	}
	if vl, ok := reflect.Zero(t).Interface().(valuesLister); ok {
		return vl.Values()
	}
	return nil
}

// enumString returns the string a decoded enum field v holds: v itself, the
// value behind a non-nil pointer, or the value of a set Optional; ok is
// false when the field holds nothing.
func enumString(v reflect.Value) (string, bool) {
	if _, ok := optionalElem(v.Type()); ok {
		if !v.Field(1).Bool() {
			return "", false
		}
		v = v.Field(0)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	return v.String(), true
}
