package devbackend

import (
	"strconv"
	"testing"
)

// numbered returns n docs with distinct _creationTime 1..n and _id "dN".
func numbered(n int) []doc {
	out := make([]doc, n)
	for i := range out {
		out[i] = doc{"_id": "d" + strconv.Itoa(i+1), "_creationTime": float64(i + 1), "k": float64((i + 1) % 3)}
	}
	return out
}

func ids(ds []doc) string {
	s := ""
	for _, d := range ds {
		s += d["_id"].(string) + " "
	}
	return s
}

func strp(s string) *string { return &s }

func TestPaginateSemantics(t *testing.T) {
	docs := numbered(5)
	fields := []string{"_creationTime"}
	first, err := paginate(docs, fields, false, pageOpts{numItems: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ids(first.Page) != "d1 d2 " || first.IsDone || first.ContinueCursor != `["2","\"d2\""]` {
		t.Fatalf("first page %s %v %s", ids(first.Page), first.IsDone, first.ContinueCursor)
	}
	second, _ := paginate(docs, fields, false, pageOpts{numItems: 3, cursor: &first.ContinueCursor})
	if ids(second.Page) != "d3 d4 d5 " || !second.IsDone || second.ContinueCursor != endCursor {
		t.Fatalf("exact last page %s %v %s", ids(second.Page), second.IsDone, second.ContinueCursor)
	}
	past, _ := paginate(docs, fields, false, pageOpts{numItems: 3, cursor: strp(endCursor)})
	if len(past.Page) != 0 || !past.IsDone {
		t.Fatalf("after the end %+v", past)
	}
	empty, _ := paginate(nil, fields, false, pageOpts{numItems: 3})
	if len(empty.Page) != 0 || !empty.IsDone || empty.Page == nil {
		t.Fatalf("empty %+v", empty)
	}
	fromEmpty, _ := paginate(docs, fields, false, pageOpts{numItems: 1, cursor: strp("")})
	if ids(fromEmpty.Page) != "d1 " {
		t.Fatalf("empty cursor starts over: %s", ids(fromEmpty.Page))
	}
	desc, _ := paginate(reversed(docs), fields, true, pageOpts{numItems: 2})
	if ids(desc.Page) != "d5 d4 " {
		t.Fatalf("desc %s", ids(desc.Page))
	}
	desc2, _ := paginate(reversed(docs), fields, true, pageOpts{numItems: 2, cursor: &desc.ContinueCursor})
	if ids(desc2.Page) != "d3 d2 " || desc2.IsDone {
		t.Fatalf("desc page 2 %s", ids(desc2.Page))
	}
	// endCursor: up to and including that position, no page size limit.
	end := `["4","\"d4\""]`
	bounded, _ := paginate(docs, fields, false, pageOpts{numItems: 1, cursor: &first.ContinueCursor, endCursor: &end})
	if ids(bounded.Page) != "d3 d4 " || bounded.ContinueCursor != end || bounded.IsDone {
		t.Fatalf("endCursor %s %s", ids(bounded.Page), bounded.ContinueCursor)
	}
	// maximumRowsRead stops early with a cursor even at the end.
	limited, _ := paginate(docs, fields, false, pageOpts{numItems: 10, maximumRowsRead: 2})
	if ids(limited.Page) != "d1 d2 " || limited.IsDone {
		t.Fatalf("maximumRowsRead %s %v", ids(limited.Page), limited.IsDone)
	}
	// A deleted cursor document still positions the next page.
	gone, _ := paginate(append(docs[:1:1], docs[2:]...), fields, false, pageOpts{numItems: 1, cursor: &first.ContinueCursor})
	if ids(gone.Page) != "d3 " {
		t.Fatalf("after deleted %s", ids(gone.Page))
	}
	if _, err := paginate(docs, fields, false, pageOpts{numItems: 1, cursor: strp("garbage")}); err == nil {
		t.Fatal("garbage cursor accepted")
	}
}

func reversed(ds []doc) []doc {
	out := make([]doc, len(ds))
	for i, d := range ds {
		out[len(ds)-1-i] = d
	}
	return out
}

func TestCursorEncoding(t *testing.T) {
	d := doc{"status": "active", "_creationTime": 1767225600000.001, "_id": "x\"y"}
	got := encodeCursor(d, []string{"status", "_creationTime", "missing", "_id"})
	want := `["\"active\"","1767225600000.001",null,"\"x\\\"y\""]`
	if got != want {
		t.Fatalf("cursor\n got %s\nwant %s", got, want)
	}
	keys, err := parseCursor(got)
	if err != nil || len(keys) != 4 || keys[0] != "active" || keys[1] != 1767225600000.001 || keys[3] != `x"y` {
		t.Fatalf("parsed %v %v", keys, err)
	}
	if _, ok := keys[2].(undefined); !ok {
		t.Fatalf("null key = %v, want undefined", keys[2])
	}
}

func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{`["1","\"d2\""]`, `[null]`, `[]`, `x`, `["{"]`, `[1]`} {
		f.Add(s)
	}
	docs := numbered(4)
	f.Fuzz(func(t *testing.T, c string) {
		// Any cursor either fails cleanly or pages without panicking.
		if _, err := paginate(docs, []string{"_creationTime"}, false, pageOpts{numItems: 2, cursor: &c}); err != nil {
			return
		}
	})
}

func TestParseCursorJSErrors(t *testing.T) {
	tests := map[string]string{
		`garbage`:  `Unexpected token 'g', "garbage" is not valid JSON`,
		`{}`:       `JSON.parse(...).map is not a function`,
		`null`:     `Cannot read properties of null (reading 'map')`,
		`[{}]`:     `"[object Object]" is not valid JSON`,
		`[1e400]`:  `"Infinity" is not valid JSON`,
		`[[5,6]]`:  `Unexpected non-whitespace character after JSON at position 1`,
		`["x"]`:    `Unexpected token 'x', "x" is not valid JSON`,
		`[1,true]`: ``,
	}
	for in, want := range tests {
		_, err := parseCursor(in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("parseCursor(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestPaginateMaximumBytesRead(t *testing.T) {
	docs := numbered(5) // each: {_id:"dN", _creationTime, k} = 2+(4+4)+(14+9)+(2+9) = 44 bytes
	if got := convexSize(docs[0]); got != 44 {
		t.Fatalf("convexSize = %d, want 44", got)
	}
	r, _ := paginate(docs, []string{"_creationTime"}, false, pageOpts{numItems: 10, maximumBytesRead: 100})
	if ids(r.Page) != "d1 d2 d3 " || r.IsDone {
		t.Fatalf("maximumBytesRead 100: %s done=%v", ids(r.Page), r.IsDone)
	}
	if got := convexSize(map[string]any{"s": "é", "b": []byte{1}, "l": []any{nil, true, int64(1)}}); got != 2+(1+1+4)+(1+1+3)+(1+1+2+1+1+9) {
		t.Fatalf("convexSize mixed = %d", got)
	}
}
