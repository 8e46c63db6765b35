package convexclient

import (
	"os"
	"testing"
)

// optTask is benchTask as convexgen writes it when some fields are
// optional: Optional instead of pointers.
type optTask struct {
	ID           string           `json:"_id"`
	CreationTime float64          `json:"_creationTime"`
	Title        string           `json:"title"`
	Status       string           `json:"status"`
	Priority     Optional[string] `json:"priority,omitzero"`
	UserID       string           `json:"userId"`
	CreatedAt    Optional[int64]  `json:"createdAt,omitzero"`
	UpdatedAt    int64            `json:"updatedAt"`
	Done         bool             `json:"done"`
}

// ptrTask is the same with pointers, for comparison.
type ptrTask struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Priority     *string `json:"priority,omitempty"`
	UserID       string  `json:"userId"`
	CreatedAt    *int64  `json:"createdAt,omitempty"`
	UpdatedAt    int64   `json:"updatedAt"`
	Done         bool    `json:"done"`
}

func BenchmarkUnmarshalTaskList20Optional(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []optTask
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalTaskList20Pointers(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []ptrTask
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalUnion(b *testing.B) {
	data := []byte(`[{"kind":"circle","r":1.5},{"kind":"square","side":{"$integer":"AgAAAAAAAAA="}}]`)
	b.ReportAllocs()
	for b.Loop() {
		var out []shape
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalUnion(b *testing.B) {
	in := []shape{{Circle: &circle{R: 1.5}}, {Square: &square{Side: 2}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckSpecDemo is the start-up check of a demo-sized registry:
// parse the demo's function spec and compare every binding's types.
func BenchmarkCheckSpecDemo(b *testing.B) {
	data, err := os.ReadFile("../convex/function-spec.json")
	if err != nil {
		b.Skip("no demo spec:", err)
	}
	spec, err := ParseFunctionSpec(data)
	if err != nil {
		b.Fatal(err)
	}
	r := NewRegistry()
	for _, f := range spec.Functions {
		if k, ok := f.Kind(); ok && k == KindQuery {
			if f.Visibility == "internal" {
				NewQuery[map[string]any, any](r, f.Path, Internal)
			} else {
				NewQuery[map[string]any, any](r, f.Path)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.CheckSpec(data); err != nil {
			b.Fatal(err)
		}
	}
}
