package convexclient

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

type inner struct {
	Z string `json:"z"`
}

type Embedded struct {
	Emb  string `json:"emb"`
	Name string `json:"name"` // shadowed by the outer Name
}

type encodeArgs struct {
	Embedded
	Name     string            `json:"name"`
	Email    string            `json:"email"`
	Age      int64             `json:"age"`
	Count    int               `json:"count"`
	Ratio    float64           `json:"ratio"`
	F32      float32           `json:"f32"`
	Salt     []byte            `json:"salt"`
	Opt      string            `json:"opt,omitempty"`
	OptPtr   *inner            `json:"optPtr,omitempty"`
	Hidden   string            `json:"-"`
	Nested   inner             `json:"nested"`
	Tags     []string          `json:"tags"`
	Meta     map[string]any    `json:"meta"`
	Raw      json.RawMessage   `json:"raw"`
	When     time.Time         `json:"when"`
	Counts   map[string]uint16 `json:"counts"`
	NoTag    bool
	private  int
	Duration time.Duration `json:"d"`
}

func TestMarshalStruct(t *testing.T) {
	v := encodeArgs{
		Embedded: Embedded{Emb: "e", Name: "shadowed"},
		Name:     "Ada", Email: "a@b.c", Age: 30, Count: 3, Ratio: 0.5, F32: 0.1,
		Salt: []byte{1, 2, 3}, Hidden: "h", Nested: inner{Z: "z"}, Tags: []string{"x"},
		Meta:   map[string]any{"b": 1.0, "a": []any{int64(2), nil}, "c": map[string]any{}},
		Raw:    json.RawMessage(` {"y": 1, "x": [true]} `),
		When:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Counts: map[string]uint16{"b": 2, "a": 1}, NoTag: true, private: 1, Duration: 2,
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"NoTag":true,"age":{"$integer":"HgAAAAAAAAA="},"count":3,"counts":{"a":1,"b":2},` +
		`"d":{"$integer":"AgAAAAAAAAA="},"email":"a@b.c","emb":"e","f32":0.1,` +
		`"meta":{"a":[{"$integer":"AgAAAAAAAAA="},null],"b":1,"c":{}},"name":"Ada","nested":{"z":"z"},` +
		`"ratio":0.5,"raw":{"x":[true],"y":1},"salt":{"$bytes":"AQID"},"tags":["x"],"when":"2026-01-02T03:04:05Z"}`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}

func TestMarshalScalars(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{1 << 53, "9007199254740992"},
		{-(1 << 53), "-9007199254740992"},
		{uint64(1 << 53), "9007199254740992"},
		{int64(1 << 60), `{"$integer":"AAAAAAAAABA="}`},
		{Int64(1), `{"$integer":"AQAAAAAAAAA="}`},
		{Float64(math.Inf(-1)), `{"$float":"AAAAAAAA8P8="}`},
		{float32(math.Copysign(0, -1)), `{"$float":"AAAAAAAAAIA="}`},
		{math.NaN(), `{"$float":"AAAAAAAA+H8="}`},
		{Bytes(nil), "null"},
		{[]byte(nil), "null"},
		{[]string(nil), "null"},
		{map[string]int(nil), "null"},
		{[2]int{1, 2}, "[1,2]"},
		{(*int)(nil), "null"},
		{ptr(ptr(5)), "5"},
		{"<&>\u2028\n", "\"<&>\u2028\\n\""},
		{json.RawMessage(`1.0`), "1"},
		{json.Number("2.50"), "2.5"},
		{json.RawMessage(nil), "null"},
		{[]any{1, int64(1), uint8(1), 1.5}, `[1,{"$integer":"AQAAAAAAAAA="},1,1.5]`},
		{map[string]any{"k": Bytes("a")}, `{"k":{"$bytes":"YQ=="}}`},
		{Identity{Subject: "s", Issuer: "i", Custom: map[string]any{"role": "admin"}}, `{"issuer":"i","role":"admin","subject":"s"}`},
	}
	for _, tt := range tests {
		got, err := Marshal(tt.in)
		if err != nil {
			t.Errorf("Marshal(%#v): %v", tt.in, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Marshal(%#v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

type badMarshaler struct{}

func (badMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"$x":1}`), nil }

type cyclic struct {
	Next *cyclic `json:"next"`
}

func TestMarshalErrors(t *testing.T) {
	c := &cyclic{}
	c.Next = c
	tests := []any{
		1<<53 + 1,
		-(1<<53 + 1),
		uint64(math.MaxUint64),
		map[string]any{"$id": 1},
		map[string]any{"a b\n": 1},
		map[int]string{1: "x"},
		struct {
			X int `json:"$x"`
		}{},
		"\xff",
		json.RawMessage(`{bad`),
		json.Number("1x"),
		json.Number(""),
		json.RawMessage(`{"$float":"AAAAAAAA+D8="}`),
		badMarshaler{},
		make(chan int),
		func() {},
		complex(1, 2),
		c,
		map[string]any{"deep": []any{map[string]any{"x": 1 << 60}}},
	}
	for _, in := range tests {
		_, err := Marshal(in)
		mustInvalidCase(t, "Marshal", err)
	}
	var ve *ValueError
	_, err := Marshal(map[string]any{"deep": []any{map[string]any{"x": 1 << 60}}})
	if ve, _ = err.(*ValueError); ve == nil || ve.Path != "deep[0].x" {
		t.Errorf("path = %v", err)
	}
}
