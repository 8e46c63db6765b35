package convexclient

import (
	"reflect"
	"strconv"
)

// Strict decoding: an object must hold every required field of the struct
// it decodes into, so a field the backend stopped sending (or never sent) is
// an error naming it rather than a silent zero value.

// UnmarshalPartial is Unmarshal without the required-field check: fields
// absent from an object keep their values. Use it for data no validator
// shapes, such as ConvexError data (FunctionError.DecodeData and ErrorData
// use it), or to decode a part of a document on purpose.
func UnmarshalPartial(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return valueErr("UnmarshalPartial needs a non-nil pointer")
	}
	d := decoder{scanner: scanner{data: data}, partial: true}
	d.skipWS()
	if err := d.value(rv.Elem()); err != nil {
		return err
	}
	return d.end()
}

// requiredField reports whether Unmarshal requires f in every object: it is
// not a pointer, not an Optional, not tagged omitempty or omitzero, and not
// reached through an embedded pointer.
func requiredField(f field, viaPtr bool) bool {
	return !viaPtr && !f.omitEmpty && !f.omitZero &&
		f.typ.Kind() != reflect.Pointer && f.marshal != marshalOptional
}

// fieldSet records which fields of a structInfo an object held, by index.
// Structs of up to 64 fields need no allocation.
type fieldSet struct {
	small uint64
	big   []bool
	nreq  int // required fields seen
}

// add marks field i of si as seen.
func (s *fieldSet) add(si *structInfo, i int) {
	if i < 64 {
		if s.small&(1<<uint(i)) != 0 {
			return
		}
		s.small |= 1 << uint(i)
	} else {
		if s.big == nil {
			s.big = make([]bool, len(si.fields))
		}
		if s.big[i] {
			return
		}
		s.big[i] = true
	}
	if si.fields[i].required {
		s.nreq++
	}
}

func (s *fieldSet) has(i int) bool {
	if i < 64 {
		return s.small&(1<<uint(i)) != 0
	}
	return s.big != nil && s.big[i]
}

// missing returns the error for the first required field of si (type t)
// that s lacks, or nil.
func (s *fieldSet) missing(si *structInfo, t reflect.Type) error {
	if s.nreq == si.required {
		return nil
	}
	for i := range si.fields {
		if si.fields[i].required && !s.has(i) {
			return valueErr("required field " + strconv.Quote(si.fields[i].name) + " missing (decoding into " + t.String() + ")")
		}
	}
	return nil
}

// exactNull reports whether an exact decoder may store null in a value of
// type t (which is not a pointer or interface: those are handled first).
func exactNull(t reflect.Type) bool {
	k := t.Kind()
	return k == reflect.Map || k == reflect.Slice
}
