package convextest

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// convexSize is Convex's own measure of a value (not its JSON length):
// null/bool 1, numbers 9, strings and bytes 2+len, arrays 2+Σ, objects
// 2+Σ(len(key)+1+size).
func convexSize(canonical []byte) (int, error) {
	var v any
	if err := convexclient.Unmarshal(canonical, &v); err != nil {
		return 0, err
	}
	return sizeOf(v), nil
}

func sizeOf(v any) int {
	switch x := v.(type) {
	case nil, bool:
		return 1
	case float64, int64:
		return 9
	case string:
		return 2 + len(x)
	case []byte:
		return 2 + len(x)
	case []any:
		n := 2
		for _, e := range x {
			n += sizeOf(e)
		}
		return n
	case map[string]any:
		n := 2
		for k, e := range x {
			n += len(k) + 1 + sizeOf(e)
		}
		return n
	}
	return 0
}

// Convex's value limits as the backend checks arguments
// (crates/value/src/array.rs, object.rs, size.rs).
const (
	maxArrayLen     = 8192
	maxObjectFields = 1024
	maxNesting      = 64
)

// argsLimitError checks raw args (an object, wrapped in an array as the
// backend does, or a legacy positional array) against Convex's array,
// object and nesting limits and returns the backend's message, or "".
// Children are checked before their container, as the backend builds
// values bottom-up. Malformed JSON is left to canonicalArgs.
func argsLimitError(raw []byte) string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return ""
	}
	if _, ok := v.([]any); !ok {
		v = []any{v}
	}
	_, msg := limitWalk(v)
	return msg
}

// limitWalk returns v's nesting, or the first limit violation.
func limitWalk(v any) (int, string) {
	switch x := v.(type) {
	case []any:
		nest := 0
		for _, e := range x {
			n, msg := limitWalk(e)
			if msg != "" {
				return 0, msg
			}
			nest = max(nest, n)
		}
		if len(x) > maxArrayLen {
			return 0, "Array length is too long (" + strconv.Itoa(len(x)) + " > maximum length " + strconv.Itoa(maxArrayLen) + ")"
		}
		return nestingCheck(nest + 1)
	case map[string]any:
		if len(x) == 1 {
			for k := range x {
				if strings.HasPrefix(k, "$") { // a special value: a scalar
					return 0, ""
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		nest := 0
		for _, k := range keys {
			n, msg := limitWalk(x[k])
			if msg != "" {
				return 0, msg
			}
			nest = max(nest, n)
		}
		if len(x) > maxObjectFields {
			return 0, "Object has too many fields (" + strconv.Itoa(len(x)) + " > maximum number " + strconv.Itoa(maxObjectFields) + ")"
		}
		return nestingCheck(nest + 1)
	}
	return 0, ""
}

func nestingCheck(n int) (int, string) {
	if n > maxNesting {
		return 0, "Value is too nested (nested " + strconv.Itoa(n) + " levels deep > maximum nesting " + strconv.Itoa(maxNesting) + ")"
	}
	return n, ""
}

// binarySize formats n bytes as the backend's humansize BINARY does:
// "512 B", "16 MiB", "16.50 MiB".
func binarySize(n int) string {
	if n < 1024 {
		return strconv.Itoa(n) + " B"
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10) + " " + units[u]
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + " " + units[u]
}
