package routes

import (
	"maps"
	"net/url"
	"testing"
)

func TestParseDocCursor(t *testing.T) {
	cases := []struct {
		in string
		ts float64
		ok bool
	}{
		{"1795341277913.0254~0abmwd9jb60gd2qvb5qe015f2ze1p712", 1795341277913.0254, true},
		{"12~abc", 12, true},
		{"abc", 0, false},
		{"x~abc", 0, false},
		{"NaN~abc", 0, false},
		{"1~a/b", 0, false},
		{"1~", 0, false},
	}
	for _, tc := range cases {
		ts, _, ok := parseDocCursor(tc.in)
		if ok != tc.ok || ts != tc.ts {
			t.Errorf("%q: %v %v", tc.in, ts, ok)
		}
	}
}

func TestQueryParams(t *testing.T) {
	v, _ := url.ParseQuery("status=pending&unreadOnly=false&from=1.5&limit=3&bogus=1&to=x&dup=1&dup=2")
	q := NewParams(v, "status", "unreadOnly", "from", "to")
	if s := q.Enum("status", "pending", "completed"); s == nil || *s != "pending" {
		t.Errorf("status %v", s)
	}
	if b := q.Bool("unreadOnly"); b == nil || *b {
		t.Errorf("unreadOnly %v", b)
	}
	if f := q.Number("from"); f == nil || *f != 1.5 {
		t.Errorf("from %v", f)
	}
	if f := q.Number("to"); f != nil {
		t.Errorf("to %v", f)
	}
	if f := q.Number("absent"); f != nil {
		t.Errorf("absent %v", f)
	}
	want := map[string]string{"bogus": "unknown parameter", "dup": "unknown parameter", "to": "must be a finite number"}
	if !maps.Equal(map[string]string(*q.errs), want) {
		t.Fatalf("errors %v", *q.errs)
	}
	if q.Err() == nil {
		t.Fatal("err() nil with errors")
	}
	clean := NewParams(url.Values{"limit": {"2"}})
	if clean.Err() != nil || *clean.errs != nil {
		t.Fatal("valid query produced errors")
	}
}
