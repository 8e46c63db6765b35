package convexclient

import (
	"reflect"
	"testing"
)

type A struct {
	Q string
	Y string
}

type B struct {
	Q string
	Z string
}

type conflicts struct {
	A
	B
	Y string // shallower than A.Y: wins
	W string `json:"w,omitempty"`
	V string `json:"-"`
	u string
}

func TestStructInfo(t *testing.T) {
	si := types.structInfo(reflect.TypeFor[conflicts]())
	var names []string
	for _, f := range si.fields {
		names = append(names, f.name)
	}
	// A.Q and B.Q tie (same depth, neither tagged): dropped. Sorted bytewise.
	want := []string{"Y", "Z", "w"}
	if len(names) != len(want) {
		t.Fatalf("fields %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("fields %v, want %v", names, want)
		}
	}
	got, err := Marshal(conflicts{A: A{Q: "aq", Y: "ay"}, B: B{Q: "bq", Z: "bz"}, Y: "y", u: "u"})
	if err != nil || string(got) != `{"Y":"y","Z":"bz"}` {
		t.Errorf("Marshal = %s, %v", got, err)
	}
	var c conflicts
	if err := Unmarshal([]byte(`{"Q":"?","Y":"y","Z":"z","w":"w","V":"v"}`), &c); err != nil || c.Y != "y" || c.Z != "z" || c.W != "w" || c.V != "" || c.A.Q != "" || c.B.Q != "" {
		t.Errorf("Unmarshal = %+v, %v", c, err)
	}
}

// upperName decodes through its own UnmarshalJSON: never the fast path.
type upperName string

func (u *upperName) UnmarshalJSON(b []byte) error {
	*u = upperName("UPPER:" + string(b))
	return nil
}

type namedMeters float64

// TestFastDecodeNamedTypes: named string and float64 types (convexgen's ids
// and literal unions) take the fast paths unless they decode themselves.
func TestFastDecodeNamedTypes(t *testing.T) {
	cases := []struct {
		t    reflect.Type
		want uint8
	}{
		{reflect.TypeFor[string](), decodeString},
		{reflect.TypeFor[genTaskID](), decodeString},
		{reflect.TypeFor[genTaskStatus](), decodeString}, // has a Values method: still plain
		{reflect.TypeFor[upperName](), decodeAny},
		{reflect.TypeFor[float64](), decodeFloat64},
		{reflect.TypeFor[namedMeters](), decodeFloat64},
		{reflect.TypeFor[int64](), decodeAny},
	}
	for _, tc := range cases {
		if got := fastDecode(tc.t); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.t, got, tc.want)
		}
	}
	var v struct {
		ID     genTaskID     `json:"id"`
		Status genTaskStatus `json:"status"`
		Name   upperName     `json:"name"`
		Len    namedMeters   `json:"len"`
		Odd    genTaskStatus `json:"odd"`
	}
	if err := Unmarshal([]byte(`{"id":"t1","len":2.5,"name":"x","odd":"not a value of it","status":"done"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != "t1" || v.Status != "done" || v.Name != `UPPER:"x"` || v.Len != 2.5 || v.Odd != "not a value of it" {
		t.Fatalf("%+v", v)
	}
	if err := Unmarshal([]byte(`{"id":1,"len":"x","name":"x","odd":"","status":""}`), &v); err == nil {
		t.Fatal("a number decoded into a named string type")
	}
}
