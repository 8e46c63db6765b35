package convexclient

import (
	"reflect"
	"slices"
	"strconv"
)

// mapAny encodes a map[string]any without per-value reflection for the
// common dynamic types.
func (e *encoder) mapAny(m map[string]any) error {
	if err := e.open(len(m), false); err != nil {
		return err
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if err := e.key(k); err != nil {
			return err
		}
		if err := e.dynamic(m[k]); err != nil {
			return atKey(err, k)
		}
	}
	e.buf = append(e.buf, '}')
	return e.close(false)
}

// dynamic encodes the dynamic value types directly, falling back to
// reflection for anything else.
func (e *encoder) dynamic(x any) error {
	switch x := x.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		return e.string(x)
	case bool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case float64:
		e.buf = appendFloat(e.buf, x, false)
	case int64:
		e.buf = appendInteger(e.buf, x)
	case int:
		return e.int(int64(x))
	case []byte:
		if x == nil {
			e.buf = append(e.buf, "null"...)
		} else {
			e.buf = appendBytes(e.buf, x)
		}
	case []any:
		if x == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if err := e.open(len(x), true); err != nil {
			return err
		}
		e.buf = append(e.buf, '[')
		for i, y := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.dynamic(y); err != nil {
				return atIndex(err, i)
			}
		}
		e.buf = append(e.buf, ']')
		if err := e.close(false); err != nil {
			return err
		}
	case map[string]any:
		if x == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.mapAny(x)
	default:
		return e.value(reflect.ValueOf(x))
	}
	return nil
}

func appendInt(dst []byte, n int64) []byte   { return strconv.AppendInt(dst, n, 10) }
func appendUint(dst []byte, n uint64) []byte { return strconv.AppendUint(dst, n, 10) }

func reflectString(v reflect.Value) string { return strconv.FormatUint(v.Uint(), 10) }
