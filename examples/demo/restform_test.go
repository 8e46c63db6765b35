package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The REST form of Convex values, for tests that check the data path:
// whatever a function returns must reach REST clients field for field.

// restForm converts a Convex-encoded JSON value (a recorded result) to the
// plain JSON value a REST answer carries for it, decoded with UseNumber: an
// int64 ({"$integer"}) is a JSON number, bytes ({"$bytes"}) the same base64
// string (encoding/json's []byte), a NaN or infinite float ({"$float"}) the
// string "NaN", "Infinity" or "-Infinity" (the routes' fallback render).
func restForm(data []byte) (any, error) {
	v, err := plainJSON(data)
	if err != nil {
		return nil, err
	}
	return toREST(v)
}

// plainJSON decodes one JSON value with numbers as json.Number.
func plainJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func toREST(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k, val := range x {
				s, ok := val.(string)
				if !ok {
					break
				}
				switch k {
				case "$integer", "$float":
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil || len(b) != 8 {
						return nil, fmt.Errorf("bad %s %q", k, s)
					}
					bits := binary.LittleEndian.Uint64(b)
					if k == "$integer" {
						return json.Number(strconv.FormatInt(int64(bits), 10)), nil
					}
					switch f := math.Float64frombits(bits); {
					case math.IsNaN(f):
						return "NaN", nil
					case math.IsInf(f, 1):
						return "Infinity", nil
					case math.IsInf(f, -1):
						return "-Infinity", nil
					default:
						return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
					}
				case "$bytes":
					return s, nil
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, val := range x {
			r, err := toREST(val)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			r, err := toREST(val)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// sameJSON reports whether two values decoded by plainJSON are equal, with
// numbers compared by value (1767225600000.0 and 1767225600000 are one
// number), and where they first differ.
func sameJSON(a, b any, at string) (bool, string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false, fmt.Sprintf("%s: %v vs %v", at, a, b)
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok {
				return false, fmt.Sprintf("%s.%s: missing", at, k)
			}
			if same, where := sameJSON(xv, yv, at+"."+k); !same {
				return false, where
			}
		}
		return true, ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false, fmt.Sprintf("%s: %v vs %v", at, a, b)
		}
		for i := range x {
			if same, where := sameJSON(x[i], y[i], fmt.Sprintf("%s[%d]", at, i)); !same {
				return false, where
			}
		}
		return true, ""
	case json.Number:
		y, ok := b.(json.Number)
		if ok && sameNumber(x, y) {
			return true, ""
		}
	default:
		if a == b {
			return true, ""
		}
	}
	return false, fmt.Sprintf("%s: %v vs %v", at, a, b)
}

func sameNumber(a, b json.Number) bool {
	if ai, err := a.Int64(); err == nil {
		if bi, err := b.Int64(); err == nil {
			return ai == bi
		}
	}
	af, err1 := a.Float64()
	bf, err2 := b.Float64()
	return err1 == nil && err2 == nil && af == bf
}
