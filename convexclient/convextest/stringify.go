package convextest

import (
	"math"
	"sort"
	"strconv"

	"github.com/convexgw/convexgw/convexclient"
)

// jsStringify renders Convex-encoded JSON the way Convex's ConvexError turns
// its data into a message (JSON.stringify with bigints as "<n>n"): numbers in
// JavaScript form, NaN/Infinity as null, bytes as {}, keys sorted (the data
// objects in the TypeScript code are written in alphabetical order).
func jsStringify(encoded []byte) string {
	var v any
	if err := convexclient.Unmarshal(encoded, &v); err != nil {
		return string(encoded)
	}
	return string(appendJS(nil, v))
}

func appendJS(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case string:
		b, _ := convexclient.Marshal(x)
		return append(dst, b...)
	case int64:
		dst = append(dst, '"')
		dst = strconv.AppendInt(dst, x, 10)
		return append(dst, 'n', '"')
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(dst, "null"...)
		}
		if x == 0 {
			return append(dst, '0')
		}
		b, _ := convexclient.Marshal(x)
		return append(dst, b...)
	case []byte:
		return append(dst, "{}"...)
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJS(dst, e)
		}
		return append(dst, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			kb, _ := convexclient.Marshal(k)
			dst = append(dst, kb...)
			dst = append(dst, ':')
			dst = appendJS(dst, x[k])
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}
