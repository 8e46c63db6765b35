package convexclient

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestReadNumberFastPath: the short-decimal fast path of readNumber gives
// exactly the float64 strconv.ParseFloat gives, for every digit count and
// decimal point position it takes, plus the backend's usual shapes.
func TestReadNumberFastPath(t *testing.T) {
	lits := []string{"0", "0.0", "1.5", "42.0", "1767225600000.0", "1767225600123.5", "0.1", "0.3",
		"9007199254740993", "123456789012345.6", "1234567890123456.0", "0.000000000000001",
		"99999999999999.99", "1e3", "1.5e-7", "-0.0", "-1767225600123.5", "17672256001234567"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + r.IntN(16)
		b := make([]byte, 0, n+1)
		b = append(b, byte('1'+r.IntN(9)))
		for len(b) < n {
			b = append(b, byte('0'+r.IntN(10)))
		}
		if p := r.IntN(n + 1); p > 0 && p < n {
			b = append(b[:p], append([]byte{'.'}, b[p:]...)...)
		} else if p == n {
			b = append(b, ".0"...)
		}
		lits = append(lits, string(b))
	}
	for _, lit := range lits {
		want, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			t.Fatal(err)
		}
		s := scanner{data: []byte(lit)}
		got, err := s.readNumber()
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("readNumber(%s) = %v (%x), %v; want %v (%x)", lit, got, math.Float64bits(got), err, want, math.Float64bits(want))
		}
	}
}
