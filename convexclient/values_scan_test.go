package convexclient

import (
	"math"
	"strconv"
	"testing"
)

func TestReadString(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"abc"`, "abc"},
		{`"a\"b\\c\/d"`, `a"b\c/d`},
		{`"\b\f\n\r\t"`, "\b\f\n\r\t"},
		{`"\u0041\u00e9\u20AC"`, "Aé€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"héllo 😀"`, "héllo 😀"},
		{"\"\x7f\"", "\x7f"},
	}
	for _, tt := range tests {
		s := scanner{data: []byte(tt.in)}
		got, err := s.readString()
		if err != nil || string(got) != tt.want || s.pos != len(tt.in) {
			t.Errorf("readString(%s) = %q, %v (pos %d)", tt.in, got, err, s.pos)
		}
	}
	for _, in := range []string{`"`, `"a`, `"\`, `"\q"`, `"\u00"`, `"\u00zz"`, `"\ud83d"`, `"\ude00"`, `"\ud83d\u0041"`, "\"\x01\"", "\"\xc3\"", "\"\xed\xa0\x80\""} {
		s := scanner{data: []byte(in)}
		if _, err := s.readString(); err == nil {
			t.Errorf("readString(%q) accepted", in)
		}
	}
}

func TestReadNumber(t *testing.T) {
	for _, in := range []string{"0", "-0", "7", "-7", "123456789012345", "1234567890123456", "9007199254740993",
		"1.5", "-2.25e-3", "1E+2", "1e308", "5e-324", "2.2250738585072014e-308", "0.1", "18446744073709551616"} {
		s := scanner{data: []byte(in)}
		got, err := s.readNumber()
		want, _ := strconv.ParseFloat(in, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) || s.pos != len(in) {
			t.Errorf("readNumber(%s) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"-", "+1", "01", ".5", "1.", "1e", "1e+", "--1", "1e309", "-1e400", "x"} {
		s := scanner{data: []byte(in)}
		if _, err := s.readNumber(); err == nil && s.pos == len(in) {
			t.Errorf("readNumber(%s) accepted", in)
		}
	}
}
