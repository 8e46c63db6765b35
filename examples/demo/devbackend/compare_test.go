package devbackend

import (
	"math"
	"testing"
)

func TestCompareValues(t *testing.T) {
	ordered := []any{
		undefined{}, nil, int64(-1), int64(5), math.Inf(-1), -1.5, math.Copysign(0, -1), 0.0, 2.0, math.Inf(1),
		false, true, "", "B", "a", "é", []byte{}, []byte{1}, []any{}, []any{1.0}, []any{1.0, nil}, map[string]any{"a": 1.0},
	}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareValues(ordered[i], ordered[j]); got != want {
				t.Errorf("compare(%#v, %#v) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestCompareKeys(t *testing.T) {
	a := doc{"s": "x", "_creationTime": 2.0}
	b := doc{"s": "x", "_creationTime": 3.0}
	if compareKeys(a, b, []string{"s", "_creationTime"}) != -1 || compareKeys(b, a, []string{"s"}) != 0 {
		t.Fatal("compareKeys")
	}
}
