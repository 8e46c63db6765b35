package devbackend

import (
	"math"
	"strings"
	"testing"
)

func TestJSTrimAndLen(t *testing.T) {
	tests := []struct {
		in, trimmed string
		n           int
	}{
		{" \t\n\v\f\r\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeffx y\u3000", "x y", 3},
		{"\u0085x\u180e", "\u0085x\u180e", 3},
		{"😀", "😀", 2},
		{"é", "é", 1},
		{"", "", 0},
	}
	for _, tc := range tests {
		if got := jsTrim(tc.in); got != tc.trimmed {
			t.Errorf("jsTrim(%q) = %q, want %q", tc.in, got, tc.trimmed)
		}
		if got := jsLen(tc.trimmed); got != tc.n {
			t.Errorf("jsLen(%q) = %d, want %d", tc.trimmed, got, tc.n)
		}
	}
}

func TestTextRules(t *testing.T) {
	if v, err := requiredText("title", " a ", 1); v != "a" || err != nil {
		t.Fatalf("requiredText = %q, %v", v, err)
	}
	if _, err := requiredText("title", strings.Repeat("😀", 2), 3); err == nil {
		t.Fatal("4 UTF-16 units accepted with max 3")
	}
	if v, err := optionalText("notes", "  ", 1); v != "" || err != nil {
		t.Fatalf("optionalText = %q, %v", v, err)
	}
}

func TestNumberRules(t *testing.T) {
	for _, n := range []float64{1, 50, 100} {
		if err := checkPageSize(n); err != nil {
			t.Errorf("numItems %v: %v", n, err)
		}
	}
	for _, n := range []float64{0, -1, 101, 1.5, math.NaN(), math.Inf(1)} {
		if err := checkPageSize(n); err == nil {
			t.Errorf("numItems %v accepted", n)
		}
	}
	for _, a := range []float64{0, -3, math.NaN(), math.Inf(1)} {
		if positiveAmount(a) == nil {
			t.Errorf("amount %v accepted", a)
		}
	}
	for _, c := range []string{"EU", "EURO", "eur", "EÜR", "E1R"} {
		if currencyCode(c) == nil {
			t.Errorf("currency %q accepted", c)
		}
	}
	if currencyCode("GBP") != nil || finite("x", 1e308) != nil || finite("x", math.Inf(-1)) == nil {
		t.Error("valid values rejected")
	}
}
