package convextest

import (
	"reflect"
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"tasks:list", "tasks:list", 0},
		{"tasks:list", "tasks:lst", 1}, {"kitten", "sitting", 3},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestArgsDiff(t *testing.T) {
	tests := []struct {
		rec, got string
		want     []string
	}{
		{`{}`, `{}`, nil},
		{`{"a":1.0}`, `{"a":2.0}`, []string{"args.a: recorded 1.0, got 2.0"}},
		{`{"a":1.0}`, `{}`, []string{"args.a: missing (recorded 1.0)"}},
		{`{}`, `{"b":"x"}`, []string{`args.b: not recorded (got "x")`}},
		{`{"p":{"cursor":null,"numItems":5.0}}`, `{"p":{"cursor":"c1","numItems":5.0}}`, []string{`args.p.cursor: recorded null, got "c1"`}},
		{`{"ids":["a","b"]}`, `{"ids":["a","c"]}`, []string{`args.ids[1]: recorded "b", got "c"`}},
		{`{"ids":["a"]}`, `{"ids":["a","c"]}`, []string{`args.ids: recorded ["a"], got ["a","c"]`}},
	}
	for _, tc := range tests {
		if got := argsDiff([]byte(tc.rec), []byte(tc.got)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("argsDiff(%s, %s) = %q, want %q", tc.rec, tc.got, got, tc.want)
		}
	}
}

func TestMissStringTruncatesDiff(t *testing.T) {
	m := Miss{Request: CassetteRequest{Endpoint: "/api/query", Path: "a:b", Args: []byte(`{}`), Auth: AuthNone},
		Nearest: &Nearest{Cassette: "c", Index: 2, Request: CassetteRequest{Endpoint: "/api/query", Path: "a:b", Args: []byte(`{}`), Auth: AuthNone},
			Diff: []string{"1", "2", "3", "4", "5", "6", "7", "8"}}}
	s := m.String()
	if !strings.Contains(s, "... 2 more") || !strings.Contains(s, "c #2") {
		t.Errorf("%s", s)
	}
	if s := (Miss{Request: m.Request}).String(); !strings.Contains(s, "no recordings loaded") {
		t.Errorf("%s", s)
	}
}
