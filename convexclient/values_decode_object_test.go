package convexclient

import (
	"reflect"
	"testing"
)

type Base struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type withEmbedded struct {
	*Base
	Name  string `json:"name"`
	Score int    `json:"score"`
}

type Key string

func TestUnmarshalObjects(t *testing.T) {
	var w withEmbedded
	if err := Unmarshal([]byte(`{"id":"i1","name":"outer","score":3.0,"SCORE":4}`), &w); err != nil {
		t.Fatal(err)
	}
	if w.Base == nil || w.ID != "i1" || w.Name != "outer" || w.Base.Name != "" || w.Score != 4 {
		t.Errorf("embedded decode: %+v %+v", w, w.Base)
	}

	// A reused slice is truncated and its elements zeroed before decoding.
	s := []map[string]int{{"old": 1}, {"old": 2}, {"old": 3}}
	if err := Unmarshal([]byte(`[{"a":1},{"b":2}]`), &s); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, []map[string]int{{"a": 1}, {"b": 2}}) {
		t.Errorf("slice reuse: %v", s)
	}

	m := map[Key]Int64{"keep": 1}
	if err := Unmarshal([]byte(`{"n":{"$integer":"AgAAAAAAAAA="}}`), &m); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, map[Key]Int64{"keep": 1, "n": 2}) {
		t.Errorf("named map: %v", m)
	}

	var arr [2]string
	if err := Unmarshal([]byte(`["a","b",{"c":[1,2]}]`), &arr); err != nil || arr != [2]string{"a", "b"} {
		t.Errorf("array overflow: %v %v", arr, err)
	}
	// Extra array elements and unknown fields are still validated.
	mustInvalid(t, Unmarshal([]byte(`["a","b",{"$c":1}]`), &arr))
	mustInvalid(t, Unmarshal([]byte(`{"unknown":{"$float":"AAAAAAAA+D8="}}`), &w))
	mustInvalid(t, Unmarshal([]byte(`{"id":"x","é":1}`), &w))
}
