package routes

import (
	"reflect"
	"slices"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

// lookalike has Optional's shape but is not convexclient.Optional.
type lookalike struct {
	Value string
	Set   bool
}

func TestOptionalElem(t *testing.T) {
	cases := []struct {
		t    reflect.Type
		elem reflect.Type // nil: not an Optional
	}{
		{reflect.TypeFor[convexclient.Optional[string]](), reflect.TypeFor[string]()},
		{reflect.TypeFor[convexclient.Optional[*noteStatus]](), reflect.TypeFor[*noteStatus]()},
		{reflect.TypeFor[convexclient.Optional[[]string]](), reflect.TypeFor[[]string]()},
		{reflect.TypeFor[lookalike](), nil},
		{reflect.TypeFor[*convexclient.Optional[string]](), nil},
		{reflect.TypeFor[string](), nil},
	}
	for _, tc := range cases {
		elem, ok := optionalElem(tc.t)
		if ok != (tc.elem != nil) || elem != tc.elem {
			t.Errorf("%s: %v %v, want %v", tc.t, elem, ok, tc.elem)
		}
	}
}

func TestEnumValues(t *testing.T) {
	want := []string{"draft", "done"}
	cases := []struct {
		t    reflect.Type
		want []string
	}{
		{reflect.TypeFor[noteStatus](), want},
		{reflect.TypeFor[*noteStatus](), want},
		{reflect.TypeFor[convexclient.Optional[noteStatus]](), want},
		{reflect.TypeFor[convexclient.Optional[*noteStatus]](), want},
		{reflect.TypeFor[string](), nil},
		{reflect.TypeFor[[]noteStatus](), nil},
		{reflect.TypeFor[convexclient.Optional[string]](), nil},
	}
	for _, tc := range cases {
		if got := enumValues(tc.t); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.t, got, tc.want)
		}
	}
}

func TestEnumString(t *testing.T) {
	done := noteStatus("done")
	cases := []struct {
		v    any
		want string
		ok   bool
	}{
		{noteStatus("draft"), "draft", true},
		{&done, "done", true},
		{(*noteStatus)(nil), "", false},
		{convexclient.Some(done), "done", true},
		{convexclient.Optional[noteStatus]{}, "", false},
		{convexclient.Some(&done), "done", true},
		{convexclient.Some[*noteStatus](nil), "", false},
	}
	for _, tc := range cases {
		got, ok := enumString(reflect.ValueOf(tc.v))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%#v: %q %v, want %q %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}
