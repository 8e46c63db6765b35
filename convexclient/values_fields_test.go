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
