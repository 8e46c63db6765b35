package devbackend

import (
	"bytes"
	"cmp"
	"math"
	"sort"
)

// undefined is a missing field, which Convex orders before null.
type undefined struct{}

// field returns d[name], or undefined{} when the field is absent.
func fieldOf(d doc, name string) any {
	v, ok := d[name]
	if !ok {
		return undefined{}
	}
	return v
}

// typeRank is the rank of a value's type in Convex's total order
// (convex/values compareValues).
func typeRank(v any) int {
	switch v.(type) {
	case undefined:
		return 0
	case nil:
		return 1
	case int64:
		return 2
	case float64:
		return 3
	case bool:
		return 4
	case string:
		return 5
	case []byte:
		return 6
	case []any:
		return 7
	}
	return 9
}

// compareValues orders two Convex values as convex/values compareValues does:
// by type rank, then by value (strings by UTF-8 bytes, numbers numerically
// with -0 before 0, arrays element-wise).
func compareValues(a, b any) int {
	ra, rb := typeRank(a), typeRank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch x := a.(type) {
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return compareNumbers(x, b.(float64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case string:
		return cmp.Compare(x, b.(string))
	case []byte:
		return bytes.Compare(x, b.([]byte))
	case []any:
		y := b.([]any)
		for i := 0; i < len(x) && i < len(y); i++ {
			if c := compareValues(x[i], y[i]); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(x), len(y))
	case map[string]any:
		return compareObjects(x, b.(map[string]any))
	}
	return 0
}

func compareNumbers(x, y float64) int {
	if math.IsNaN(x) || math.IsNaN(y) {
		// Bit-level order of the float64s as signed integers, as Convex does.
		return cmp.Compare(int64(math.Float64bits(x)), int64(math.Float64bits(y)))
	}
	if x == y {
		return cmp.Compare(signRank(x), signRank(y))
	}
	return cmp.Compare(x, y)
}

// signRank orders -0 before 0.
func signRank(f float64) int {
	if f == 0 && math.Signbit(f) {
		return 0
	}
	return 1
}

func compareObjects(x, y map[string]any) int {
	kx, ky := sortedKeys(x), sortedKeys(y)
	for i := 0; i < len(kx) && i < len(ky); i++ {
		if c := cmp.Compare(kx[i], ky[i]); c != 0 {
			return c
		}
		if c := compareValues(x[kx[i]], y[ky[i]]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(kx), len(ky))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compareKeys compares two documents by the given field paths.
func compareKeys(a, b doc, fields []string) int {
	for _, f := range fields {
		if c := compareValues(fieldOf(a, f), fieldOf(b, f)); c != 0 {
			return c
		}
	}
	return 0
}
