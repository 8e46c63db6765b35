package routes

import (
	"maps"
	"net/url"
	"strings"
	"testing"
)

func TestValidID(t *testing.T) {
	cases := map[string]bool{
		"k57a4bn1x0v8yr0kfr5wd8y8hs6v0sw2": true,
		"A-b_9":                            true,
		"":                                 false,
		strings.Repeat("a", maxIDLen):      true,
		strings.Repeat("a", maxIDLen+1):    false,
		"a/b":                              false,
		"..":                               false,
		"a b":                              false,
		"é":                                false,
		"a%2F":                             false,
	}
	for id, want := range cases {
		if got := ValidDocumentID(id); got != want {
			t.Errorf("ValidDocumentID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestParsePageQuery(t *testing.T) {
	cur := "abc"
	cases := []struct {
		query  string
		limit  int
		cursor *string
		errs   map[string]string
	}{
		{"", defaultPageSize, nil, nil},
		{"limit=1&cursor=abc", 1, &cur, nil},
		{"limit=100&cursor=", 100, nil, nil},
		{"limit=0", 0, nil, map[string]string{"limit": "must be an integer between 1 and 100"}},
		{"limit=101", 0, nil, map[string]string{"limit": "must be an integer between 1 and 100"}},
		{"limit=ten", 0, nil, map[string]string{"limit": "must be an integer between 1 and 100"}},
		{"limit=5&limit=6", 0, nil, map[string]string{"limit": "must be an integer between 1 and 100"}},
		{"cursor=a&cursor=b", 0, nil, map[string]string{"cursor": "must be given once"}},
		{"cursor=%00", 0, nil, map[string]string{"cursor": "is not a valid cursor"}},
		{"cursor=" + strings.Repeat("x", maxCursorLen+1), 0, nil, map[string]string{"cursor": "is not a valid cursor"}},
	}
	for _, tc := range cases {
		q, _ := url.ParseQuery(tc.query)
		p, errs := parsePageQuery(q)
		if !maps.Equal(map[string]string(errs), tc.errs) {
			t.Errorf("%q: errors %v, want %v", tc.query, errs, tc.errs)
			continue
		}
		if tc.errs != nil {
			continue
		}
		if p.Limit != tc.limit || (p.Cursor == nil) != (tc.cursor == nil) || (p.Cursor != nil && *p.Cursor != *tc.cursor) {
			t.Errorf("%q: got %+v", tc.query, p)
		}
	}
}
