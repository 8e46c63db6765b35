package convexclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

type optDoc struct {
	Name  Optional[string]   `json:"name,omitzero"`
	Count Optional[int64]    `json:"count,omitzero"`
	Note  Optional[*string]  `json:"note,omitzero"`
	Tags  Optional[[]string] `json:"tags,omitzero"`
}

func TestOptionalRoundTrip(t *testing.T) {
	s := "n"
	cases := []struct {
		name string
		v    optDoc
		wire string
	}{
		{"all unset", optDoc{}, `{}`},
		{"set", optDoc{Name: Some("x"), Count: Some(int64(3))}, `{"count":{"$integer":"AwAAAAAAAAA="},"name":"x"}`},
		{"set to zero values", optDoc{Name: Some(""), Count: Some(int64(0))}, `{"count":{"$integer":"AAAAAAAAAAA="},"name":""}`},
		{"null is not absent", optDoc{Note: Some[*string](nil), Tags: Some[[]string](nil)}, `{"note":null,"tags":null}`},
		{"pointer set", optDoc{Note: Some(&s), Tags: Some([]string{})}, `{"note":"n","tags":[]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Marshal(tc.v)
			if err != nil || string(got) != tc.wire {
				t.Fatalf("Marshal = %s, %v; want %s", got, err, tc.wire)
			}
			var back optDoc
			if err := Unmarshal(got, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.v) {
				t.Fatalf("Unmarshal = %+v, want %+v", back, tc.v)
			}
			// encoding/json (REST) with omitzero: the same fields, plain JSON.
			js, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var viaJSON optDoc
			if err := json.Unmarshal(js, &viaJSON); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(viaJSON, tc.v) {
				t.Fatalf("encoding/json %s = %+v, want %+v", js, viaJSON, tc.v)
			}
		})
	}
}

func TestOptionalNullForNonNilable(t *testing.T) {
	var d optDoc
	if err := Unmarshal([]byte(`{"name":null}`), &d); err != nil || d.Name.Set {
		t.Fatalf("Unmarshal: %v %+v", err, d)
	}
	if err := json.Unmarshal([]byte(`{"name":null}`), &d); err != nil || d.Name.Set {
		t.Fatalf("json.Unmarshal: %v %+v", err, d)
	}
	if v, ok := Some(2.5).Get(); !ok || v != 2.5 || Some(2.5).Ptr() == nil || (Optional[int]{}).Ptr() != nil {
		t.Fatal("Get/Ptr")
	}
}

func TestOptionalOutsideAField(t *testing.T) {
	for _, v := range []any{Optional[string]{}, []Optional[int64]{{}}, map[string]Optional[int64]{"a": {}}} {
		if _, err := Marshal(v); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Marshal(%#v) err = %v", v, err)
		}
	}
	got, err := Marshal([]Optional[int64]{Some(int64(1))})
	if err != nil || string(got) != `[{"$integer":"AQAAAAAAAAA="}]` {
		t.Fatalf("set element: %s %v", got, err)
	}
	var top Optional[string]
	if err := Unmarshal([]byte(`"x"`), &top); err != nil || top != Some("x") {
		t.Fatalf("top level: %v %+v", err, top)
	}
}

// shape is a hand-written union as convexgen generates them.
type shape struct {
	Circle *circle
	Square *square
}

type circle struct {
	Kind string  `json:"kind"`
	R    float64 `json:"r"`
}

type square struct {
	Kind string `json:"kind"`
	Side int64  `json:"side"`
}

func (u shape) ConvexValue() (any, error) {
	var v any
	n := 0
	if u.Circle != nil {
		c := *u.Circle
		c.Kind = "circle"
		v, n = c, n+1
	}
	if u.Square != nil {
		s := *u.Square
		s.Kind = "square"
		v, n = s, n+1
	}
	if n != 1 {
		return nil, VariantCountError("shape", n)
	}
	return v, nil
}

func (u *shape) UnmarshalConvex(data []byte) error {
	*u = shape{}
	if v := new(circle); UnmarshalExact(data, v) == nil && v.Kind == "circle" {
		u.Circle = v
		return nil
	}
	if v := new(square); UnmarshalExact(data, v) == nil && v.Kind == "square" {
		u.Square = v
		return nil
	}
	return NoVariantError("shape")
}

// MarshalJSON and UnmarshalJSON must lose to the Convex methods.
func (u shape) MarshalJSON() ([]byte, error)     { return []byte(`"json"`), nil }
func (u *shape) UnmarshalJSON(data []byte) error { return errors.New("UnmarshalJSON called") }

func TestValueMarshalerAndUnmarshaler(t *testing.T) {
	in := []shape{{Circle: &circle{R: 1.5}}, {Square: &square{Side: 2}}}
	got, err := Marshal(in)
	want := `[{"kind":"circle","r":1.5},{"kind":"square","side":{"$integer":"AgAAAAAAAAA="}}]`
	if err != nil || string(got) != want {
		t.Fatalf("Marshal = %s, %v; want %s", got, err, want)
	}
	var back []shape
	if err := Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	in[0].Circle.Kind, in[1].Square.Kind = "circle", "square"
	if !reflect.DeepEqual(back, in) {
		t.Fatalf("Unmarshal = %+v", back)
	}
	for _, bad := range []shape{{}, {Circle: &circle{}, Square: &square{}}} {
		if _, err := Marshal(bad); !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "want exactly 1") {
			t.Errorf("Marshal(%+v) err = %v", bad, err)
		}
	}
	var s shape
	err = Unmarshal([]byte(`{"kind":"circle","r":1,"extra":true}`), &s)
	if !errors.Is(err, ErrInvalidValue) || !strings.Contains(err.Error(), "no variant of union shape") {
		t.Fatalf("Unmarshal of no variant: %v", err)
	}
	var ptr struct {
		S *shape `json:"s"`
	}
	if err := Unmarshal([]byte(`{"s":null}`), &ptr); err != nil || ptr.S != nil {
		t.Fatalf("nullable union: %v %+v", err, ptr)
	}
}

type fuzzDoc struct {
	ID    string            `json:"_id"`
	N     Optional[int64]   `json:"n,omitzero"`
	Note  Optional[*string] `json:"note,omitzero"`
	Shape *shape            `json:"shape"`
	Tags  []string          `json:"tags,omitempty"`
}

// FuzzUnmarshalCustom decodes arbitrary input into types with Optional
// fields and unions, in all three modes: no panic, every error a
// *ValueError, and what decodes encodes and decodes again to the same bytes.
func FuzzUnmarshalCustom(f *testing.F) {
	f.Add([]byte(`{"_id":"a","n":{"$integer":"AQAAAAAAAAA="},"note":null,"shape":{"kind":"circle","r":1}}`))
	f.Add([]byte(`[{"_id":"a","shape":null,"tags":["x"]},{"_id":"b","shape":{"kind":"square","side":{"$integer":"AgAAAAAAAAA="}}}]`))
	f.Add([]byte(`{"kind":"square","side":2}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		modes := []func([]byte, any) error{Unmarshal, UnmarshalExact, UnmarshalPartial}
		for _, decode := range modes {
			for _, p := range []func() any{func() any { return new(fuzzDoc) }, func() any { return new([]fuzzDoc) }, func() any { return new(shape) }} {
				v := p()
				if err := decode(data, v); err != nil {
					if _, ok := err.(*ValueError); !ok {
						t.Fatalf("%T: err %T %v", v, err, err)
					}
					continue
				}
				out, err := Marshal(v)
				if err != nil {
					if !errors.Is(err, ErrInvalidValue) {
						t.Fatalf("Marshal(%T): %v", v, err)
					}
					continue
				}
				w := p()
				if err := UnmarshalPartial(out, w); err != nil {
					t.Fatalf("%T: %s does not decode again: %v", v, out, err)
				}
				if again, err := Marshal(w); err != nil || string(again) != string(out) {
					t.Fatalf("%T: %s re-encodes as %s (%v)", v, out, again, err)
				}
			}
		}
	})
}
