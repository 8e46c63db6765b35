package convexclient

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
)

// decoder decodes Convex-encoded JSON straight into Go values by reflection,
// with no intermediate tree and no encoding/json round trip.
type decoder struct {
	scanner
	str     string // string(data), made on first use by shareString
	exact   bool   // UnmarshalExact: no unknown fields, no number conversions
	partial bool   // UnmarshalPartial: required fields may be absent
}

// maxSharedDoc is the largest document whose strings share one copy of it.
const maxSharedDoc = 64 << 10

// stringAt returns s, just read by readString from the string literal at
// data[q], as a string. An unescaped one of a small document is a substring
// of one shared copy of the document: a list of documents decodes with one
// string allocation instead of one per field.
func (d *decoder) stringAt(q int, s []byte) string {
	if len(s) == 0 || len(s) != d.pos-q-2 || len(d.data) > maxSharedDoc {
		return string(s) // empty, escaped (s is in scratch) or a large document
	}
	if d.str == "" {
		d.str = string(d.data)
	}
	return d.str[q+1 : d.pos-1]
}

var (
	mapStringAnyType = reflect.TypeFor[map[string]any]()
	jsonNumberType   = reflect.TypeFor[json.Number]()
)

func typeErr(what string, t reflect.Type) error {
	return valueErr("cannot decode " + what + " into Go value of type " + t.String())
}

// value decodes the JSON value at pos (whitespace already skipped) into v.
func (d *decoder) value(v reflect.Value) error {
	if d.pos >= len(d.data) {
		return d.syntaxErr("value")
	}
	c := d.data[d.pos]
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if c == 'n' {
			if err := d.literal("null"); err != nil {
				return err
			}
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return d.value(v.Elem())
	}
	if uk := types.unmarshalerKind(t); uk != unmarshalNone && v.CanAddr() {
		return d.custom(v, uk)
	}
	k := t.Kind()
	if k == reflect.Interface {
		if t.NumMethod() != 0 {
			return typeErr("a value", t)
		}
		x, err := d.dynamic()
		if err != nil {
			return err
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return nil
	}
	switch c {
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		switch k {
		case reflect.Map, reflect.Slice:
			v.SetZero()
		default:
			if d.exact {
				return typeErr("null", t)
			}
		}
		return nil
	case 't', 'f':
		b := c == 't'
		word := "false"
		if b {
			word = "true"
		}
		if err := d.literal(word); err != nil {
			return err
		}
		if k != reflect.Bool {
			return typeErr("a boolean", t)
		}
		v.SetBool(b)
		return nil
	case '"':
		q := d.pos
		s, err := d.readString()
		if err != nil {
			return err
		}
		if k != reflect.String {
			return typeErr("a string", t)
		}
		v.SetString(d.stringAt(q, s))
		return nil
	case '[':
		return d.array(v)
	case '{':
		return d.object(v)
	}
	start := d.pos
	f, err := d.readNumber()
	if err != nil {
		return err
	}
	if t == jsonNumberType {
		v.SetString(string(d.data[start:d.pos]))
		return nil
	}
	if d.exact && k != reflect.Float64 && k != reflect.Float32 {
		return typeErr("a number", t)
	}
	return setNumber(v, f)
}

func setNumber(v reflect.Value, f float64) error {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		v.SetFloat(f)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 || v.OverflowInt(int64(f)) {
			return valueErr("number " + string(formatJS(nil, f)) + " does not fit " + v.Type().String())
		}
		v.SetInt(int64(f))
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if f != math.Trunc(f) || f < 0 || f >= 1<<64 || v.OverflowUint(uint64(f)) {
			return valueErr("number " + string(formatJS(nil, f)) + " does not fit " + v.Type().String())
		}
		v.SetUint(uint64(f))
		return nil
	}
	return typeErr("a number", v.Type())
}

func (d *decoder) setSpecial(v reflect.Value, sp special) error {
	t := v.Type()
	k := t.Kind()
	switch sp.kind {
	case specialInteger:
		n := int64(sp.bits)
		if d.exact && k != reflect.Int64 {
			return typeErr("an int64", t)
		}
		switch k {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if v.OverflowInt(n) {
				return valueErr("int64 does not fit " + t.String())
			}
			v.SetInt(n)
			return nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if n < 0 || v.OverflowUint(uint64(n)) {
				return valueErr("int64 does not fit " + t.String())
			}
			v.SetUint(uint64(n))
			return nil
		case reflect.Float32, reflect.Float64:
			v.SetFloat(float64(n))
			return nil
		}
		return typeErr("an int64", t)
	case specialFloat:
		if k == reflect.Float32 || k == reflect.Float64 {
			v.SetFloat(math.Float64frombits(sp.bits))
			return nil
		}
		return typeErr("a special float64", t)
	default:
		if k == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			b := make([]byte, decodedLen(sp.payload))
			if _, err := base64.StdEncoding.Decode(b, sp.payload); err != nil {
				return valueErr("$bytes is not valid base64")
			}
			v.SetBytes(b)
			return nil
		}
		return typeErr("bytes", t)
	}
}
