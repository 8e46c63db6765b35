package convexclient

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSafeInt is 2^53: integers beyond it do not survive as a Convex float64.
const maxSafeInt = 1 << 53

// encoder writes Convex-encoded JSON by reflection.
type encoder struct {
	buf   []byte
	depth int
	lim   limits // Convex's value limits (values_limits.go), off for Marshal
}

func (e *encoder) value(v reflect.Value) error {
	if !v.IsValid() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	return e.valueKind(v, types.marshalerKind(v.Type()))
}

// valueKind encodes v whose type's marshalerKind is mk.
func (e *encoder) valueKind(v reflect.Value, mk uint8) error {
	switch {
	case mk == marshalJSON || (mk == marshalJSONPtr && v.CanAddr()):
		if mk == marshalJSONPtr {
			v = v.Addr()
		}
		return e.marshaler(v.Interface().(json.Marshaler))
	case mk >= marshalConvex:
		if done, err := e.convexValue(v, mk); done {
			return err
		}
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case reflect.Int64:
		e.buf = appendInteger(e.buf, v.Int())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return e.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := v.Uint()
		if u > maxSafeInt {
			return valueErr("integer " + reflectString(v) + " is beyond ±2^53 and cannot be a Convex float64; use int64 or Int64")
		}
		e.buf = appendUint(e.buf, u)
	case reflect.Float32:
		f := v.Float()
		if isSpecialFloat(f) {
			e.buf = appendSpecialFloat(e.buf, f)
		} else {
			e.buf = formatJSBits(e.buf, f, 32)
		}
	case reflect.Float64:
		e.buf = appendFloat(e.buf, v.Float(), false)
	case reflect.String:
		if t == jsonNumberType {
			return e.number(v.String())
		}
		return e.string(v.String())
	case reflect.Slice:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 && types.marshalerKind(t.Elem()) == 0 {
			e.buf = appendBytes(e.buf, v.Bytes())
			return nil
		}
		return e.array(v)
	case reflect.Array:
		return e.array(v)
	case reflect.Map:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if t.Key().Kind() != reflect.String {
			return valueErr("map key type " + t.Key().String() + " is not a string")
		}
		if t == mapStringAnyType {
			return e.mapAny(v.Interface().(map[string]any))
		}
		return e.mapValue(v)
	case reflect.Struct:
		return e.structValue(v)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if err := e.enter(); err != nil {
			return err
		}
		if err := e.value(v.Elem()); err != nil {
			return err
		}
		e.depth--
	default:
		return valueErr("Go type " + t.String() + " has no Convex encoding")
	}
	return nil
}

func (e *encoder) enter() error {
	e.depth++
	if e.depth > maxDepth {
		return valueErr("value is nested more than 64 levels deep (or is cyclic)")
	}
	return nil
}

func (e *encoder) int(n int64) error {
	if n > maxSafeInt || n < -maxSafeInt {
		return valueErr("integer " + string(appendInt(nil, n)) + " is beyond ±2^53 and cannot be a Convex float64; use int64 or Int64")
	}
	e.buf = appendInt(e.buf, n)
	return nil
}

func (e *encoder) string(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			if !utf8.ValidString(s[i:]) {
				return valueErr("string is not valid UTF-8")
			}
			break
		}
	}
	e.buf = appendQuoted(e.buf, s)
	return nil
}

// number appends a json.Number, which must be a valid JSON number.
func (e *encoder) number(n string) error {
	s := scanner{data: []byte(n)}
	f, err := s.readNumber()
	if err == nil && s.pos != len(n) {
		err = valueErr("json.Number " + strconv.Quote(n) + " is not a JSON number")
	}
	if err != nil {
		return err
	}
	e.buf = appendFloat(e.buf, f, false)
	return nil
}

// marshaler appends a json.Marshaler's output, validated and normalised.
func (e *encoder) marshaler(m json.Marshaler) error {
	b, err := m.MarshalJSON()
	if err != nil {
		return &ValueError{Reason: "MarshalJSON: " + err.Error(), err: err}
	}
	p := printer{scanner: scanner{data: b}, out: e.buf}
	if err := p.run(); err != nil {
		return err
	}
	return e.appendChecked(p.out)
}

func (e *encoder) array(v reflect.Value) error {
	if err := e.open(v.Len(), true); err != nil {
		return err
	}
	e.buf = append(e.buf, '[')
	for i, n := 0, v.Len(); i < n; i++ {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.value(v.Index(i)); err != nil {
			return atIndex(err, i)
		}
	}
	e.buf = append(e.buf, ']')
	return e.close(false)
}

func (e *encoder) key(k string) error {
	if err := checkFieldName([]byte(k)); err != nil {
		return err
	}
	e.buf = appendQuoted(e.buf, k)
	e.buf = append(e.buf, ':')
	return nil
}

func (e *encoder) mapValue(v reflect.Value) error {
	if err := e.open(v.Len(), false); err != nil {
		return err
	}
	type kv struct {
		k string
		v reflect.Value
	}
	kvs := make([]kv, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		kvs = append(kvs, kv{it.Key().String(), it.Value()})
	}
	slices.SortFunc(kvs, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	e.buf = append(e.buf, '{')
	for i, p := range kvs {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.key(p.k); err != nil {
			return err
		}
		if err := e.value(p.v); err != nil {
			return atKey(err, p.k)
		}
	}
	e.buf = append(e.buf, '}')
	return e.close(false)
}

func (e *encoder) structValue(v reflect.Value) error {
	si := types.structInfo(v.Type())
	if err := e.open(structFields(len(si.fields)), false); err != nil {
		return err
	}
	e.buf = append(e.buf, '{')
	first := true
fields:
	for i := range si.fields {
		f := &si.fields[i]
		fv := v
		for n, x := range f.index {
			if n > 0 && fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue fields
				}
				fv = fv.Elem()
			}
			fv = fv.Field(x)
		}
		if f.omitEmpty && isEmptyValue(fv) || f.omitZero && fv.IsZero() ||
			f.marshal == marshalOptional && !fv.Field(1).Bool() {
			continue
		}
		if f.nameErr != nil {
			return &ValueError{Reason: f.nameErr.(*ValueError).Reason}
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = append(e.buf, f.prefix...)
		if err := e.valueKind(fv, f.marshal); err != nil {
			return atKey(err, f.name)
		}
	}
	e.buf = append(e.buf, '}')
	return e.close(structFields(len(si.fields)) == structRecount)
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64,
		reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
