package convexclient

import (
	"math"
	"testing"
)

func TestUnmarshalDynamic(t *testing.T) {
	in := `{"n":null,"t":true,"f":false,"x":1.5,"i":{"$integer":"//////////8="},"b":{"$bytes":"AQ=="},
	"s":"str","a":[[],{}],"o":{"k":{"$float":"AAAAAAAA8P8="}}}`
	var got any
	if err := Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"n": nil, "t": true, "f": false, "x": 1.5, "i": int64(-1), "b": []byte{1},
		"s": "str", "a": []any{[]any{}, map[string]any{}}, "o": map[string]any{"k": negInf()}}
	if !sameValue(got, want) {
		t.Errorf("got %#v", got)
	}
	// An existing map[string]any is filled in, as encoding/json does.
	m := map[string]any{"keep": 1.0}
	if err := Unmarshal([]byte(`{"add":2}`), &m); err != nil || m["keep"] != 1.0 || m["add"] != 2.0 {
		t.Errorf("map fill: %v %v", m, err)
	}
}

func negInf() float64 { return math.Inf(-1) }
