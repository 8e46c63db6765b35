package convexclient

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchArgs is a typical mutation args struct.
type benchArgs struct {
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Priority    string   `json:"priority"`
	Status      string   `json:"status"`
	UserID      string   `json:"userId"`
	DueAt       float64  `json:"dueAt"`
	Tags        []string `json:"tags"`
	Attempts    int64    `json:"attempts"`
}

// benchTask is one document of a typical task list query result.
type benchTask struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Priority     string  `json:"priority"`
	UserID       string  `json:"userId"`
	CreatedAt    int64   `json:"createdAt"`
	UpdatedAt    int64   `json:"updatedAt"`
	Done         bool    `json:"done"`
}

// taskListText is n tasks as the backend prints them (ryu floats, sorted keys).
func taskListText(n int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_creationTime":1767225600123.5,"_id":"k57f%028d","createdAt":1767225600000.0,"done":false,`+
			`"priority":"high","status":"pending","title":"Task number %d é","updatedAt":1767225600000.0,"userId":"k17a%028d"}`, i, i, i)
	}
	b.WriteByte(']')
	return b.String()
}

func newBenchArgs() benchArgs {
	return benchArgs{Title: "Write the report", Description: "Quarterly numbers", Priority: "high",
		Status: "pending", UserID: "k17a2b3c4d5e6f7g8h9j0k1m2n3p4q5r", DueAt: 1767225600000,
		Tags: []string{"work", "q1"}, Attempts: 3}
}

func BenchmarkMarshalArgs(b *testing.B) {
	a := newBenchArgs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(&a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalArgsLimits is BenchmarkMarshalArgs through MarshalArgs,
// which checks Convex's value limits while encoding (the cost of the
// checks is the difference).
func BenchmarkMarshalArgsLimits(b *testing.B) {
	a := newBenchArgs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MarshalArgs(&a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalArgsLimitsList: a list-heavy args object (500 dynamic
// objects), Marshal vs MarshalArgs.
func BenchmarkMarshalArgsLimitsList(b *testing.B) {
	items := make([]any, 500)
	for i := range items {
		items[i] = map[string]any{"title": "t", "n": float64(i), "tags": []any{"a", "b"}}
	}
	args := map[string]any{"items": items}
	for _, fn := range []struct {
		name string
		f    func(any) ([]byte, error)
	}{{"Marshal", Marshal}, {"MarshalArgs", MarshalArgs}} {
		b.Run(fn.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fn.f(args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMarshalArgsEncodingJSON(b *testing.B) {
	a := newBenchArgs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalTaskList20(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []benchTask
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// genTask is benchTask as convexgen writes it: named types for ids and
// literal unions (no methods that decode).
type (
	genTaskID     string
	genUserID     string
	genTaskStatus string
	genTask       struct {
		ID           genTaskID     `json:"_id"`
		CreationTime float64       `json:"_creationTime"`
		Title        string        `json:"title"`
		Status       genTaskStatus `json:"status"`
		Priority     genTaskStatus `json:"priority"`
		UserID       genUserID     `json:"userId"`
		CreatedAt    int64         `json:"createdAt"`
		UpdatedAt    int64         `json:"updatedAt"`
		Done         bool          `json:"done"`
	}
)

func (genTaskStatus) Values() []string { return []string{"pending", "done"} }

func BenchmarkUnmarshalTaskList20Generated(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []genTask
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalTaskList20Dynamic(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out any
		if err := Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendCanonicalTaskList20(b *testing.B) {
	data := []byte(taskListText(20))
	buf := make([]byte, 0, len(data)+64)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendCanonical(buf[:0], data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchDataDecodes(t *testing.T) {
	var out []benchTask
	if err := Unmarshal([]byte(taskListText(20)), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 20 || out[19].CreatedAt != 1767225600000 || out[0].Title != "Task number 0 é" {
		t.Fatalf("decoded %+v", out[0])
	}
	c, err := AppendCanonical(nil, []byte(taskListText(20)))
	if err != nil || string(c) != taskListText(20) {
		t.Fatalf("backend text is not canonical: %v", err)
	}
}

// benchTaskFloat is benchTask with float times, so encoding/json can decode
// the backend's 1767225600000.0 (baseline only).
type benchTaskFloat struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Priority     string  `json:"priority"`
	UserID       string  `json:"userId"`
	CreatedAt    float64 `json:"createdAt"`
	UpdatedAt    float64 `json:"updatedAt"`
	Done         bool    `json:"done"`
}

func BenchmarkUnmarshalTaskList20EncodingJSON(b *testing.B) {
	data := []byte(taskListText(20))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []benchTaskFloat
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
