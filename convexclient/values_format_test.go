package convexclient

import (
	"math"
	"testing"
)

// TestFormatRyu checks serde_json/ryu float printing (dtolnay/ryu
// src/pretty/mod.rs format64): decimal when -5 < kk <= 16, else exponent.
func TestFormatRyu(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{42, "42.0"},
		{-42, "-42.0"},
		{3.5, "3.5"},
		{0.1, "0.1"},
		{1e21, "1e21"},
		{1e22, "1e22"},
		{5e-324, "5e-324"},
		{1.5e-7, "1.5e-7"},
		{1e-6, "1e-6"},
		{1e-5, "0.00001"},
		{0.000123, "0.000123"},
		{1e16, "1e16"},
		{1e15, "1000000000000000.0"},
		{9007199254740994, "9007199254740994.0"},
		{123456789012345680, "1.2345678901234568e17"},
		{1234567890123456.7, "1234567890123456.8"},
		{12345.678, "12345.678"},
		{1.7976931348623157e308, "1.7976931348623157e308"},
		{-1.5e300, "-1.5e300"},
		{2.5e-5, "0.000025"},
		{1767225600000, "1767225600000.0"},
		{0.3, "0.3"},
	}
	for _, tt := range tests {
		if got := string(formatRyu(nil, tt.f)); got != tt.want {
			t.Errorf("formatRyu(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

// TestFormatJS checks JSON.stringify-style printing used by Marshal.
func TestFormatJS(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"}, {42, "42"}, {1e21, "1e+21"}, {1e20, "100000000000000000000"},
		{1e-7, "1e-7"}, {1e-6, "0.000001"}, {5e-324, "5e-324"}, {-2.5, "-2.5"},
	}
	for _, tt := range tests {
		if got := string(formatJS(nil, tt.f)); got != tt.want {
			t.Errorf("formatJS(%v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

// TestAppendQuoted checks serde_json string escaping: only '"', '\\' and
// control characters; no escaping of <>& , DEL or non-ASCII.
func TestAppendQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a\"b\\c", `"a\"b\\c"`},
		{"\n\t\r\b\f", `"\n\t\r\b\f"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x7f<>&/", "\"\x7f<>&/\""},
		{"héllo 😀 \u2028", "\"héllo 😀 \u2028\""},
	}
	for _, tt := range tests {
		if got := string(appendQuoted(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendQuoted(%q) = %s, want %s", tt.in, got, tt.want)
		}
		c, err := AppendCanonical(nil, []byte(tt.want))
		if err != nil || string(c) != tt.want {
			t.Errorf("AppendCanonical(%s) = %s, %v", tt.want, c, err)
		}
	}
}
