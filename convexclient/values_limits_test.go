package convexclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// nestedArgs returns an args object of Convex nesting n (n ≥ 1):
// {"a":{"a":...{"a":1}}}, alternating objects and arrays when mixed.
func nestedArgs(n int, mixed bool) map[string]any {
	var v any = 1.0
	for i := n; i > 1; i-- {
		if mixed && i%2 == 0 {
			v = []any{v}
		} else {
			v = map[string]any{"a": v}
		}
	}
	return map[string]any{"a": v}
}

func manyFields(n int) map[string]any {
	m := make(map[string]any, n)
	for i := range n {
		m["f"+strconv.Itoa(i)] = i
	}
	return m
}

// wideStruct is a struct type with n string fields "F0".."Fn-1", all omitempty.
func wideStruct(n int) reflect.Type {
	fields := make([]reflect.StructField, n)
	for i := range fields {
		fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: reflect.TypeFor[string](),
			Tag: reflect.StructTag(`json:"f` + strconv.Itoa(i) + `,omitempty"`)}
	}
	return reflect.StructOf(fields)
}

// wideValue returns a wideStruct(declared) value with the first set fields non-empty.
func wideValue(declared, set int) any {
	v := reflect.New(wideStruct(declared)).Elem()
	for i := range set {
		v.Field(i).SetString("x")
	}
	return v.Interface()
}

type deepPtr struct {
	P *deepPtr `json:"p,omitempty"`
	N int      `json:"n"`
}

func TestMarshalArgsLimits(t *testing.T) {
	type wrap struct {
		Items any `json:"items"`
	}
	chain := &deepPtr{N: 1}
	for range 30 { // 31 objects, 31 pointers: depth 62 for the cycle guard, nesting 31 for Convex
		chain = &deepPtr{P: chain}
	}
	cases := []struct {
		name   string
		args   any
		limit  string // "" = accepted
		actual int
		path   string
	}{
		{"8192 elements", wrap{make([]int, 8192)}, "", 0, ""},
		{"8193 elements", wrap{make([]int, 8193)}, "array length", 8193, "items"},
		{"8193 dynamic elements", map[string]any{"xs": make([]any, 8193)}, "array length", 8193, "xs"},
		{"8193 bytes are one value", map[string]any{"b": make([]byte, 8193)}, "", 0, ""},
		{"8193 elements deeper", map[string]any{"a": []any{map[string]any{"b": make([]string, 8193)}}}, "array length", 8193, "a[0].b"},
		{"fixed array 8193", wrap{[8193]bool{}}, "array length", 8193, "items"},
		{"1024 fields", manyFields(1024), "", 0, ""},
		{"1025 fields", manyFields(1025), "object fields", 1025, ""},
		{"1025 fields nested", map[string]any{"inner": manyFields(1025)}, "object fields", 1025, "inner"},
		{"1025 typed map fields", map[string]map[string]int{"m": func() map[string]int {
			m := map[string]int{}
			for i := range 1025 {
				m[strconv.Itoa(i)] = i
			}
			return m
		}()}, "object fields", 1025, "m"},
		{"struct 1100 declared 1024 set", map[string]any{"s": wideValue(1100, 1024)}, "", 0, ""},
		{"struct 1100 declared 1025 set", map[string]any{"s": wideValue(1100, 1025)}, "object fields", 1025, "s"},
		{"nesting 63", nestedArgs(63, false), "", 0, ""},
		{"nesting 64", nestedArgs(64, false), "nesting", 64, strings.Repeat("a.", 62) + "a"},
		{"nesting 63 mixed", nestedArgs(63, true), "", 0, ""},
		{"nesting 64 mixed", nestedArgs(64, true), "nesting", 64, ""},
		{"pointer chain", chain, "", 0, ""},
		{"raw message 8193", map[string]any{"r": json.RawMessage("[" + strings.Repeat("0,", 8192) + "0]")}, "array length", 8193, "r"},
		{"raw message 8192", map[string]any{"r": json.RawMessage("[" + strings.Repeat("0,", 8191) + "0]")}, "", 0, ""},
		{"raw message fields", map[string]any{"r": json.RawMessage(mustMarshal(t, manyFields(1025)))}, "object fields", 1025, "r"},
		{"raw message nesting", map[string]any{"r": json.RawMessage(mustMarshal(t, nestedArgs(63, true)))}, "nesting", 64, "r"},
		{"raw message strings with brackets", map[string]any{"r": json.RawMessage(`["[[[,,,", "]]]", {"k,":"{"}]`)}, "", 0, ""},
		{"empty containers", map[string]any{"a": []any{}, "o": map[string]any{}, "r": json.RawMessage(`[[],{}]`)}, "", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalArgs(tc.args)
			if tc.limit == "" {
				if err != nil {
					t.Fatalf("MarshalArgs: %v", err)
				}
				want, err := Marshal(tc.args)
				if err != nil || string(got) != string(want) {
					t.Fatalf("MarshalArgs differs from Marshal (%v)", err)
				}
				return
			}
			var le *LimitError
			var ve *ValueError
			if !errors.Is(err, ErrInvalidValue) || !errors.As(err, &le) || !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValueError wrapping a *LimitError", err)
			}
			if le.Limit != tc.limit || le.Actual != tc.actual {
				t.Errorf("limit %q actual %d, want %q %d", le.Limit, le.Actual, tc.limit, tc.actual)
			}
			if tc.path != "" && ve.Path != tc.path {
				t.Errorf("path %q, want %q", ve.Path, tc.path)
			}
			if !strings.Contains(err.Error(), "Convex's limit") {
				t.Errorf("message %q", err)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMarshalHasNoArgsLimits: Marshal encodes values, not arguments; only
// MarshalArgs checks, and an encoder that checked leaves no state behind.
func TestMarshalHasNoArgsLimits(t *testing.T) {
	big := map[string]any{"xs": make([]any, 8193)}
	if _, err := MarshalArgs(big); err == nil {
		t.Fatal("MarshalArgs accepted 8193 elements")
	}
	for range 10 { // pooled encoders come back with limits off
		if _, err := Marshal(big); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMarshalArgsShape(t *testing.T) {
	var nilMap map[string]any
	var nilPtr *struct{ A int }
	cases := []struct {
		args any
		want string // "" = error
	}{
		{nil, "{}"},
		{nilMap, "{}"},
		{nilPtr, "{}"},
		{struct{}{}, "{}"},
		{map[string]any{"a": int64(1)}, `{"a":{"$integer":"AQAAAAAAAAA="}}`},
		{[]int{1}, ""},
		{"x", ""},
		{int64(5), ""},
		{Int64(5), ""},
		{json.RawMessage(`{"$integer":"AQAAAAAAAAA="}`), ""},
	}
	for _, tc := range cases {
		got, err := MarshalArgs(tc.args)
		if tc.want == "" {
			if !errors.Is(err, ErrInvalidValue) {
				t.Errorf("%#v: err = %v, want ErrInvalidValue", tc.args, err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%#v: %s, %v; want %s", tc.args, got, err, tc.want)
		}
	}
}

func FuzzCheckLimits(f *testing.F) {
	for _, s := range []string{`[]`, `{}`, `[[1,2],{"a":[3]}]`, `{"a,b":"[{","c":["]"]}`, `[` + strings.Repeat("0,", 9000) + `0]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if Unmarshal([]byte(s), &v) != nil {
			return
		}
		canon, err := Marshal(v) // compact, as the encoder writes it
		if err != nil {
			return
		}
		got := checkLimits(canon, 0, MaxNesting)
		want := slowLimits(v, 0)
		if (got == nil) != (want == nil) {
			t.Fatalf("%s: checkLimits %v, reference %v", canon, got, want)
		}
	})
}

// slowLimits is the reference: a walk of the decoded value.
func slowLimits(v any, nest int) error {
	switch x := v.(type) {
	case []any:
		if nest+1 > MaxNesting || len(x) > MaxArrayLen {
			return errors.New("limit")
		}
		for _, e := range x {
			if err := slowLimits(e, nest+1); err != nil {
				return err
			}
		}
	case map[string]any:
		if nest+1 > MaxNesting || len(x) > MaxObjectFields {
			return errors.New("limit")
		}
		for _, e := range x {
			if err := slowLimits(e, nest+1); err != nil {
				return err
			}
		}
	}
	return nil
}
