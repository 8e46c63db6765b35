package convexclient

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

type decodeTask struct {
	ID        string   `json:"_id"`
	Title     string   `json:"title"`
	Priority  int      `json:"priority"`
	Count     int64    `json:"count"`
	Big       Int64    `json:"big"`
	Score     float64  `json:"score"`
	Weight    Float64  `json:"weight"`
	Salt      []byte   `json:"salt"`
	Blob      Bytes    `json:"blob"`
	Tags      []string `json:"tags"`
	Done      bool     `json:"done"`
	Note      *string  `json:"note"`
	Skip      string   `json:"-"`
	CamelCase string
	Extra     any `json:"extra"`
}

func TestUnmarshalStruct(t *testing.T) {
	in := `{"_id":"k1","big":{"$integer":"AAEAAAAAAAA="},"blob":{"$bytes":"AAEC/w=="},"camelcase":"folded",
	"count":{"$integer":"HgAAAAAAAAA="},"done":true,"extra":{"n":{"$integer":"AQAAAAAAAAA="},"b":{"$bytes":""}},
	"note":"n","priority":42.0,"salt":{"$bytes":"AQID"},"score":{"$integer":"AwAAAAAAAAA="},"tags":["a","b"],
	"title":"t","unknown":{"deep":[1,2,{"x":null}]},"weight":{"$float":"AAAAAAAA8H8="},"-":"ignored"}`
	var got decodeTask
	if err := Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	note := "n"
	want := decodeTask{ID: "k1", Title: "t", Priority: 42, Count: 30, Big: 256, Score: 3,
		Weight: Float64(math.Inf(1)), Salt: []byte{1, 2, 3}, Blob: Bytes{0, 1, 2, 255},
		Tags: []string{"a", "b"}, Done: true, Note: &note, CamelCase: "folded",
		Extra: map[string]any{"n": int64(1), "b": []byte{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestUnmarshalScalars(t *testing.T) {
	tests := []struct {
		in   string
		into any // pointer
		want any
	}{
		{`42.0`, new(int), 42},
		{`1e3`, new(int), 1000},
		{`-7`, new(int8), int8(-7)},
		{`{"$integer":"//////////8="}`, new(int64), int64(-1)},
		{`{"$integer":"/////////38="}`, new(Int64), Int64(math.MaxInt64)},
		{`{"$integer":"AQAAAAAAAAA="}`, new(uint16), uint16(1)},
		{`{"$integer":"AQAAAAAAAAA="}`, new(float64), 1.0},
		{`255.0`, new(uint8), uint8(255)},
		{`{"$float":"AAAAAAAAAIA="}`, new(float64), math.Copysign(0, -1)},
		{`1.5`, new(float32), float32(1.5)},
		{`{"$bytes":"aGVsbG8="}`, new([]byte), []byte("hello")},
		{`null`, new([]byte), []byte(nil)},
		{`"s"`, new(string), "s"},
		{`[1,2,3]`, new([2]int), [2]int{1, 2}},
		{`[1]`, new([2]int), [2]int{1, 0}},
		{`{"a":{"$integer":"AQAAAAAAAAA="}}`, new(map[string]int), map[string]int{"a": 1}},
		{`{"a":1.5}`, new(map[string]any), map[string]any{"a": 1.5}},
		{`null`, new(*int), (*int)(nil)},
		{`7`, new(*int), ptr(7)},
		{` {"b" : [1, "x"]} `, new(json.RawMessage), json.RawMessage(`{"b" : [1, "x"]}`)},
		{`"2026-01-01T00:00:00Z"`, new(time.Time), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{`[]`, new([]int), []int{}},
		{`12.50`, new(json.Number), json.Number("12.50")},
	}
	for _, tt := range tests {
		if err := Unmarshal([]byte(tt.in), tt.into); err != nil {
			t.Errorf("Unmarshal(%s, %T): %v", tt.in, tt.into, err)
			continue
		}
		got := reflect.ValueOf(tt.into).Elem().Interface()
		if !reflect.DeepEqual(got, tt.want) && !(isNegZero(got) && isNegZero(tt.want)) {
			t.Errorf("Unmarshal(%s, %T) = %#v, want %#v", tt.in, tt.into, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func isNegZero(x any) bool { f, ok := x.(float64); return ok && f == 0 && math.Signbit(f) }

func TestUnmarshalTypeErrors(t *testing.T) {
	tests := []struct {
		in   string
		into any
	}{
		{`42.5`, new(int)},
		{`1e19`, new(int64)},
		{`-1`, new(uint)},
		{`300`, new(uint8)},
		{`{"$integer":"//////////8="}`, new(uint64)},
		{`{"$integer":"AAEAAAAAAAA="}`, new(int8)},
		{`{"$float":"AAAAAAAA+H8="}`, new(int)},
		{`{"$bytes":"AQID"}`, new(string)},
		{`{"$integer":"AQAAAAAAAAA="}`, new([]byte)},
		{`"x"`, new(int)},
		{`1`, new(string)},
		{`true`, new(float64)},
		{`[1]`, new(map[string]any)},
		{`{"a":1}`, new([]any)},
		{`{"a":1}`, new(map[int]int)},
		{`{"a":1}`, new(error)},
		{`{"priority":"high"}`, new(decodeTask)},
		{`"not a time"`, new(time.Time)},
	}
	for _, tt := range tests {
		mustInvalidCase(t, tt.in, Unmarshal([]byte(tt.in), tt.into))
	}
	mustInvalidCase(t, "non-pointer", Unmarshal([]byte(`1`), 1))
	mustInvalidCase(t, "nil pointer", Unmarshal([]byte(`1`), (*int)(nil)))
}
