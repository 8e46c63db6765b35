package convexclient

import (
	"encoding/json"
	"math"
	"testing"
)

func TestOwnTypesWithEncodingJSON(t *testing.T) {
	type s struct {
		I Int64   `json:"i"`
		B Bytes   `json:"b"`
		F Float64 `json:"f"`
		G Float64 `json:"g"`
	}
	in := s{I: -1, B: Bytes("hi"), F: Float64(math.NaN()), G: 2.5}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"i":{"$integer":"//////////8="},"b":{"$bytes":"aGk="},"f":{"$float":"AAAAAAAA+H8="},"g":2.5}`
	if string(b) != want {
		t.Fatalf("json.Marshal = %s, want %s", b, want)
	}
	var out s
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.I != -1 || string(out.B) != "hi" || !math.IsNaN(float64(out.F)) || out.G != 2.5 {
		t.Errorf("round trip = %+v", out)
	}
	if err := json.Unmarshal([]byte(`{"i":42.0}`), &out); err != nil || out.I != 42 {
		t.Errorf("Int64 from 42.0: %v %v", out.I, err)
	}
	if err := json.Unmarshal([]byte(`{"f":{"$float":"AAAAAAAA+D8="}}`), &out); err == nil {
		t.Error("normal $float accepted")
	}
}
