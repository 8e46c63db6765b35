package convextest

import "github.com/convexgw/convexgw/convexclient"

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
