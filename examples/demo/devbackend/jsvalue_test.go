package devbackend

import (
	"errors"
	"math"
	"testing"
)

func TestJSNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-1.5, "-1.5"}, {0.1, "0.1"},
		{1767225600000, "1767225600000"}, {1767225600000.001, "1767225600000.001"},
		{1e21, "1e+21"}, {1.5e21, "1.5e+21"}, {123456789012345680000, "123456789012345680000"},
		{1e-6, "0.000001"}, {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"}, {5e-324, "5e-324"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
		{100, "100"}, {2.5, "2.5"}, {math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tc := range tests {
		if got := jsNumber(tc.in); got != tc.want {
			t.Errorf("jsNumber(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDecodeArgsAndJSFormats(t *testing.T) {
	tests := []struct {
		in, str, json string
	}{
		{`null`, "null", "null"},
		{`true`, "true", "true"},
		{`42`, "42", "42"},
		{`42.0`, "42", "42"},
		{`"a\"b\n\u0001é"`, "a\"b\n\x01é", `"a\"b\n\u0001é"`},
		{`[1,null,"x",[2,3]]`, "1,,x,2,3", `[1,null,"x",[2,3]]`},
		{`{"b":1,"a":{"c":[]}}`, "[object Object]", `{"b":1,"a":{"c":[]}}`},
		{`{"$integer":"BQAAAAAAAAA="}`, "5", `{"$integer":"BQAAAAAAAAA="}`},
		{`{"$bytes":"AQI="}`, "[object ArrayBuffer]", `{"$bytes":"AQI="}`},
		{`{"$float":"AAAAAAAA+H8="}`, "NaN", `{"$float":"AAAAAAAA+H8="}`},
		{`{"$float":"AAAAAAAA8H8="}`, "Infinity", `{"$float":"AAAAAAAA8H8="}`},
	}
	for _, tc := range tests {
		v, err := decodeArgs([]byte(tc.in))
		if err != nil {
			t.Errorf("decodeArgs(%s): %v", tc.in, err)
			continue
		}
		if got := jsString(v); got != tc.str {
			t.Errorf("jsString(%s) = %q, want %q", tc.in, got, tc.str)
		}
		if got := jsJSON(v); got != tc.json {
			t.Errorf("jsJSON(%s) = %s, want %s", tc.in, got, tc.json)
		}
	}
}

func TestDecodeArgsKeepsKeyOrder(t *testing.T) {
	v, err := decodeArgs([]byte(`{"z":1,"a":2,"m":3}`))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*object)
	if got := o.keys; len(got) != 3 || got[0] != "z" || got[1] != "a" || got[2] != "m" {
		t.Fatalf("keys = %v", got)
	}
}

func TestDecodeArgsRejects(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1}x`, `{"$integer":"AQ=="}`, `{"$integer":5}`, `{"$bytes":"!!"}`, `{"$nope":"x"}`, `[1,]`} {
		if _, err := decodeArgs([]byte(in)); !errors.Is(err, errBadArgs) {
			t.Errorf("decodeArgs(%q) err = %v, want errBadArgs", in, err)
		}
	}
}

func FuzzDecodeArgs(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,2,{"b":null}]}`, `{"$integer":"BQAAAAAAAAA="}`, `{"$bytes":"AQI="}`, `"x"`, `[`, `{"a":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeArgs(data)
		if err != nil {
			return
		}
		// Formatting and validating any decoded value must not panic.
		_ = jsString(v)
		again, err := decodeArgs([]byte(jsJSON(v)))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", jsJSON(v), err)
		}
		if jsJSON(again) != jsJSON(v) {
			t.Fatalf("round trip changed %s to %s", jsJSON(v), jsJSON(again))
		}
		_ = paginationOpts().validate(v, func(string) string { return "" })
	})
}
