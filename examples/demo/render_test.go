package routes

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// encodingJSON is what c.JSON writes for v.
func encodingJSON(t testing.TB, v any) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// renderStrings are strings that exercise every escaping rule.
var renderStrings = []string{"", "plain", `quote " back \ slash`, "<script>&amp;</script>", "tab\tnl\ncr\rbs\bff\f",
	"\x00\x01\x1f\x7f", "é ü 日本 🎉", "\u2028\u2029", "bad \xff utf8 \xc3", "k57f0000000000000000000001~x"}

// renderFloats are floats around encoding/json's format cutoffs.
var renderFloats = []float64{0, math.Copysign(0, -1), 1, -1, 1.5, 1767225600000, 1767225600123.5, 1e-6, 9.99e-7,
	1e-7, 1.5e-7, 1e20, 1e21, 1.2345e21, -1e21, 5e-324, math.MaxFloat64, 123456789.123456789, 0.1, 1e-10}

func TestAppendListMatchesEncodingJSON(t *testing.T) {
	next := "1767225600123.5~k57f"
	for _, s := range renderStrings {
		for _, f := range renderFloats {
			tasks := []Task{{ID: s, CreationTime: f, Title: s, Status: "pending", Priority: s, UserID: "u", CreatedAt: -f, UpdatedAt: f}, {}}
			notes := []Notification{{ID: "n1", CreationTime: f, UserID: s, Title: s, Body: s + s, Read: true, CreatedAt: f}, {}}
			for _, cur := range []*string{nil, &next, &s} {
				checkAppendList(t, tasks, cur)
				checkAppendList(t, notes, cur)
			}
		}
	}
	checkAppendList(t, []Task{}, nil)
}

func TestAppendListRefusesNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := appendList(nil, []Task{{CreatedAt: f}}, nil); ok {
			t.Errorf("appendList accepted %v", f)
		}
		if _, err := encodingJSON(t, listResponse[Task]{Items: []Task{{CreatedAt: f}}}); err == nil {
			t.Errorf("encoding/json accepted %v: the fallback would not fail alike", f)
		}
	}
	if _, ok := appendList(nil, []User{{ID: "u"}}, nil); ok {
		t.Error("a type without appendJSON rendered")
	}
}

func checkAppendList[D any](t *testing.T, items []D, next *string) {
	t.Helper()
	want, err := encodingJSON(t, listResponse[D]{Items: items, NextCursor: next})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := appendList(nil, items, next)
	if !ok || !bytes.Equal(got, want) {
		t.Fatalf("appendList = %q, %v\nencoding/json = %q", got, ok, want)
	}
}

func FuzzAppendList(f *testing.F) {
	for i, s := range renderStrings {
		f.Add(s, renderFloats[i%len(renderFloats)], strings.ToUpper(s), true)
	}
	f.Fuzz(func(t *testing.T, s string, x float64, cursor string, read bool) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		checkAppendList(t, []Task{{ID: s, CreationTime: x, Title: cursor, Status: s, CreatedAt: -x, UpdatedAt: x / 3}}, &cursor)
		checkAppendList(t, []Notification{{ID: s, Body: cursor, Read: read, CreatedAt: x}}, nil)
	})
}

func BenchmarkRenderTaskList(b *testing.B) {
	items := make([]Task, 8)
	for i := range items {
		items[i] = Task{ID: "k57f2b3c4d5e6f7g8h9j0k1m2n3p4q5r", CreationTime: 1767225600123.5, Title: "Write the quarterly report",
			Status: "pending", Priority: "high", UserID: "k17a2b3c4d5e6f7g8h9j0k1m2n3p4q5r", CreatedAt: 1767225600000, UpdatedAt: 1767225600000}
	}
	b.Run("appendList", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendList(buf[:0], items, nil)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			_ = json.NewEncoder(&buf).Encode(listResponse[Task]{Items: items})
		}
	})
}
