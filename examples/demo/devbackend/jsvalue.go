package devbackend

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// object is a JSON object that keeps its keys in document order, as a
// JavaScript object parsed from the request does. Validator messages name
// the first offending key in that order, so the emulation needs it.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// errBadArgs reports args that are not Convex-encoded JSON.
var errBadArgs = errors.New("invalid Convex JSON")

// decodeArgs parses Convex-encoded JSON into dynamic values shaped like the
// JavaScript values a function receives: nil, bool, float64 (number), string,
// int64 (bigint, from $integer), []byte (ArrayBuffer, from $bytes), []any and
// *object.
func decodeArgs(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadArgs, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data", errBadArgs)
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil, bool, string:
		return t, nil
	case json.Number:
		return strconv.ParseFloat(string(t), 64)
	case json.Delim:
		if t == '[' {
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		obj := &object{vals: map[string]any{}}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			if _, dup := obj.vals[k]; !dup {
				obj.keys = append(obj.keys, k)
			}
			obj.vals[k] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		return special(obj)
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// special turns {"$integer"}, {"$bytes"} and {"$float"} objects into values.
func special(o *object) (any, error) {
	if len(o.keys) != 1 || !strings.HasPrefix(o.keys[0], "$") {
		return o, nil
	}
	s, ok := o.vals[o.keys[0]].(string)
	switch o.keys[0] {
	case "$integer", "$float":
		b, err := base64.StdEncoding.DecodeString(s)
		if !ok || err != nil || len(b) != 8 {
			return nil, fmt.Errorf("malformed %s", o.keys[0])
		}
		u := binary.LittleEndian.Uint64(b)
		if o.keys[0] == "$integer" {
			return int64(u), nil
		}
		return math.Float64frombits(u), nil
	case "$bytes":
		b, err := base64.StdEncoding.DecodeString(s)
		if !ok || err != nil {
			return nil, errors.New("malformed $bytes")
		}
		return b, nil
	}
	return nil, fmt.Errorf("field names starting with $ are reserved: %s", o.keys[0])
}

// jsNumber formats f like JavaScript's Number.prototype.toString.
func jsNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k, n := len(digits), exp+1
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	es := "+"
	if n-1 < 0 {
		es = "-"
	}
	ev := strconv.Itoa(abs(n - 1))
	if k == 1 {
		return sign + digits + "e" + es + ev
	}
	return sign + digits[:1] + "." + digits[1:] + "e" + es + ev
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// jsString formats v like JavaScript's String(v) (template literals).
func jsString(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return jsNumber(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case string:
		return t
	case []byte:
		return "[object ArrayBuffer]"
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			if e != nil {
				parts[i] = jsString(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return "[object Object]"
}

// jsJSON formats v like JSON.stringify(convexToJson(v)).
func jsJSON(v any) string {
	var sb strings.Builder
	writeJSJSON(&sb, v)
	return sb.String()
}

func writeJSJSON(sb *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(t))
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) || (t == 0 && math.Signbit(t)) {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(t))
			sb.WriteString(`{"$float":"` + base64.StdEncoding.EncodeToString(b[:]) + `"}`)
			return
		}
		sb.WriteString(jsNumber(t))
	case int64:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(t))
		sb.WriteString(`{"$integer":"` + base64.StdEncoding.EncodeToString(b[:]) + `"}`)
	case []byte:
		sb.WriteString(`{"$bytes":"` + base64.StdEncoding.EncodeToString(t) + `"}`)
	case string:
		writeJSQuoted(sb, t)
	case []any:
		sb.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeJSJSON(sb, e)
		}
		sb.WriteByte(']')
	case *object:
		sb.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				sb.WriteByte(',')
			}
			writeJSQuoted(sb, k)
			sb.WriteByte(':')
			writeJSJSON(sb, t.vals[k])
		}
		sb.WriteByte('}')
	default:
		sb.WriteString("null")
	}
}

// writeJSQuoted quotes s as JSON.stringify does: only '"', '\\' and control
// characters are escaped.
func writeJSQuoted(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(sb, `\u%04x`, r)
			} else {
				sb.WriteRune(r)
			}
		}
	}
	sb.WriteByte('"')
}
