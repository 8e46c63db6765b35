package routes

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestRenderNonFinite(t *testing.T) {
	type doc struct {
		N     float64                        `json:"n"`
		Count int64                          `json:"count"`
		Blob  []byte                         `json:"blob"`
		Opt   convexclient.Optional[float64] `json:"opt,omitzero"`
		List  []float64                      `json:"list"`
		Name  string                         `json:"name"`
	}
	cases := []struct {
		v    any
		want string
	}{
		{doc{N: math.Inf(1), Count: math.MaxInt64, Blob: []byte{1, 2, 3}, List: []float64{math.NaN(), -1.5, math.Inf(-1)}, Name: "<a>"},
			`{"blob":"AQID","count":9223372036854775807,"list":["NaN",-1.5,"-Infinity"],"n":"Infinity","name":"\u003ca\u003e"}` + "\n"},
		{doc{N: math.NaN(), Opt: convexclient.Some(math.Copysign(0, -1)), List: []float64{}},
			`{"blob":null,"count":0,"list":[],"n":"NaN","name":"","opt":-0}` + "\n"},
		{[]float64{math.Inf(1)}, `["Infinity"]` + "\n"},
	}
	for _, tc := range cases {
		if _, err := json.Marshal(tc.v); err == nil {
			t.Fatalf("%+v: encoding/json accepts it; not a fallback case", tc.v)
		}
		got, err := renderNonFinite(tc.v)
		if err != nil || string(got) != tc.want {
			t.Errorf("%+v:\n got %s (%v)\nwant %s", tc.v, got, err, tc.want)
		}
	}
}

func TestSpecialValueRefusesMalformed(t *testing.T) {
	for _, s := range []string{"", "AQ==", "not base64"} {
		if _, err := specialValue("$integer", s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if v, err := restValue(map[string]any{"$integer": 5}); err != nil || !strings.Contains(toJSON(t, v), `"$integer":5`) {
		t.Errorf("a non-string special is an ordinary object: %v %v", v, err)
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
