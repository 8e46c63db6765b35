package convexclient

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"testing"
)

// vector is one entry of testdata/convex-value-vectors.json (a copy of
// shared/docs/convex-value-vectors.json).
type vector struct {
	Description string          `json:"description"`
	JSON        json.RawMessage `json:"json"`
	JSText      string          `json:"json_text_from_js_client"`
	BackendText string          `json:"backend_text_convex_encoded_json"`
	Valid       *bool           `json:"valid"`
	JSError     string          `json:"js_error"`
}

func loadVectors(t testing.TB) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/convex-value-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 40 {
		t.Fatalf("only %d vectors", len(vs))
	}
	return vs
}

// vectorGo is the Go value each valid vector stands for (as the dynamic
// decoder returns it, and as Marshal must encode it).
var vectorGo = map[string]any{
	"null":                             nil,
	"boolean true":                     true,
	"float64 zero (plain JSON number)": 0.0,
	"float64 3.5":                      3.5,
	"float64 negative -2.5":            -2.5,
	"float64 smallest subnormal 5e-324 is NOT special: plain number":                          math.SmallestNonzeroFloat64,
	"float64 1e21 (JSON.stringify spelling shown; Rust/serde_json would print 1e21)":          1e21,
	"float64 2^53+2 as a float (precision is the float's own)":                                9007199254740994.0,
	"float64 negative zero -> $float (little-endian IEEE-754 bytes, base64 std with padding)": math.Copysign(0, -1),
	"float64 NaN -> $float (canonical quiet NaN 0x7FF8000000000000)":                          math.NaN(),
	"float64 +Infinity -> $float":                                                             math.Inf(1),
	"float64 -Infinity -> $float":                                                             math.Inf(-1),
	"int64 0":                                                                                 int64(0),
	"int64 1":                                                                                 int64(1),
	"int64 -1 (two's complement, little-endian)":                                              int64(-1),
	"int64 256":                                       int64(256),
	"int64 1234567890123":                             int64(1234567890123),
	"int64 max 9223372036854775807":                   int64(math.MaxInt64),
	"int64 min -9223372036854775808":                  int64(math.MinInt64),
	"bytes empty":                                     []byte{},
	"bytes 00 01 02 ff":                               []byte{0, 1, 2, 0xff},
	"bytes 'hello' (needs padding)":                   []byte("hello"),
	"bytes fb ff (std alphabet '+' '/' not URL-safe)": []byte{0xfb, 0xff},
	"string with non-ASCII and emoji (plain JSON string, UTF-8)": "héllo 😀",
	"empty string":          "",
	"empty array":           []any{},
	"empty object":          map[string]any{},
	"array of mixed values": []any{int64(1), 2.5, "x", nil, true},
	"object keys are emitted sorted (JS convexToJson sorts by UTF-16 code unit; backend BTreeMap sorts bytewise)": map[string]any{"b": 1.0, "a": 2.0, "B": 3.0},
	"object field whose value is undefined is omitted (JS client only; Go has no undefined)":                      map[string]any{"a": 1.0},
	"nested object with int64 and bytes inside":                                                                   map[string]any{"user": map[string]any{"age": int64(30), "salt": []byte{1, 2, 3}}},
	"field names starting with '_' are allowed in values/args (only top-level document fields are reserved)":      map[string]any{"_id": "abc"},
	"typical args object for a mutation":                                                                          map[string]any{"email": "a@b.c", "attempts": int64(3)},
	"float64 integral value 42 (JS has no int/float distinction; this is a float64, NOT an int64)":                42.0,
}

// vectorGoInvalid checks the Go-side equivalent of invalid vectors that have
// no JSON form (they are errors inside the JS client).
var vectorGoInvalid = map[string]func(t *testing.T){
	"object key starting with '$' is rejected by convexToJson (and by the backend)": func(t *testing.T) {
		mustInvalid(t, marshalErr(map[string]any{"$foo": 1.0}))
		mustInvalid(t, Unmarshal([]byte(`{"$foo":1}`), new(any)))
		mustInvalid(t, Unmarshal([]byte(`{"a":1,"$foo":1}`), new(any)))
	},
	"undefined inside an array is rejected": func(t *testing.T) {
		// Go has no undefined; the closest JSON is a hole, which is a syntax error.
		mustInvalid(t, Unmarshal([]byte(`[,1]`), new(any)))
	},
	"bigint outside int64 range is rejected": func(t *testing.T) {
		mustInvalid(t, marshalErr(uint64(1<<63)))
		mustInvalid(t, Unmarshal([]byte(`9223372036854775808`), new(int64)))
		mustInvalid(t, Unmarshal([]byte(`{"$integer":"AAAAAAAAAIAA"}`), new(int64)))
	},
	"object key with non-ASCII character is rejected": func(t *testing.T) {
		mustInvalid(t, marshalErr(map[string]any{"é": 1.0}))
		mustInvalid(t, Unmarshal([]byte(`{"é":1}`), new(any)))
	},
	"top-level undefined is rejected": func(t *testing.T) {
		mustInvalid(t, Unmarshal([]byte(``), new(any)))
		mustInvalid(t, Unmarshal([]byte(`  `), new(any)))
	},
}

func marshalErr(v any) error { _, err := Marshal(v); return err }

func mustInvalid(t *testing.T, err error) {
	t.Helper()
	var ve *ValueError
	if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *ValueError matching ErrInvalidValue", err)
	}
}

// sameValue is reflect.DeepEqual that treats NaN as equal to NaN and tells
// -0 from +0.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y && math.Signbit(x) == math.Signbit(y) || math.IsNaN(x) && math.IsNaN(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !sameValue(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestValueVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Description, func(t *testing.T) {
			if v.Valid != nil && !*v.Valid {
				if string(v.JSON) != "null" {
					mustInvalid(t, Unmarshal(v.JSON, new(any)))
					_, err := AppendCanonical(nil, v.JSON)
					mustInvalid(t, err)
					return
				}
				check, ok := vectorGoInvalid[v.Description]
				if !ok {
					t.Fatalf("no Go check for invalid vector")
				}
				check(t)
				return
			}
			want, ok := vectorGo[v.Description]
			if !ok {
				t.Fatalf("no Go value for vector")
			}
			// encode
			got, err := Marshal(want)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(got) != v.JSText {
				t.Errorf("Marshal = %s, want %s", got, v.JSText)
			}
			// decode both texts
			for _, text := range []string{v.JSText, v.BackendText, string(v.JSON)} {
				var x any
				if err := Unmarshal([]byte(text), &x); err != nil {
					t.Fatalf("Unmarshal(%s): %v", text, err)
				}
				if !sameValue(x, want) {
					t.Errorf("Unmarshal(%s) = %#v, want %#v", text, x, want)
				}
			}
			// backend text
			for _, text := range []string{v.JSText, v.BackendText, string(v.JSON)} {
				c, err := AppendCanonical([]byte("prefix:"), []byte(text))
				if err != nil {
					t.Fatalf("AppendCanonical(%s): %v", text, err)
				}
				if string(c) != "prefix:"+v.BackendText {
					t.Errorf("AppendCanonical(%s) = %s, want %s", text, c[7:], v.BackendText)
				}
			}
		})
	}
}

func TestValueErrorPath(t *testing.T) {
	tests := []struct {
		in, path string
	}{
		{`{"a":{"b":[1,{"$float":"AAAAAAAA+D8="}]}}`, "a.b[1]"},
		{`[{"x":[{"$integer":"AQ=="}]}]`, "[0].x[0]"},
		{`{"ok":1,"bad":{"$set":[]}}`, "bad"},
		{`{"$map":[]}`, ""},
	}
	for _, tt := range tests {
		for name, f := range map[string]func() error{
			"Unmarshal":       func() error { return Unmarshal([]byte(tt.in), new(any)) },
			"AppendCanonical": func() error { _, err := AppendCanonical(nil, []byte(tt.in)); return err },
		} {
			err := f()
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("%s(%s): err = %v", name, tt.in, err)
			}
			if ve.Path != tt.path {
				t.Errorf("%s(%s): path %q, want %q (%v)", name, tt.in, ve.Path, tt.path, err)
			}
		}
	}
}
