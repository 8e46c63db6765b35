package convexclient

import (
	"strings"
	"testing"
)

// runPathCases map an escaped /api/run rest to its function path ("" = not one).
var runPathCases = map[string]string{
	"messages/list":     "messages:list",
	"admin/users/get":   "admin/users:get",
	"/donations/stats/": "donations:stats",
	"tasks%2Fx/list":    "tasks/x:list",
	"a/b%3Ac":           "a:b:c",
	"list":              "",
	"":                  "",
	"/":                 "",
	"messages//list":    "",
	"a/%zz":             "",
	"a/%":               "",
}

func TestRunPath(t *testing.T) {
	for in, want := range runPathCases {
		got, ok := RunPath(in)
		if ok != (want != "") || got != want {
			t.Errorf("RunPath(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func FuzzRunPath(f *testing.F) {
	for in := range runPathCases {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, ok := RunPath(in)
		if !ok {
			if got != "" {
				t.Fatalf("RunPath(%q) = %q with ok false", in, got)
			}
			return
		}
		// ':' joins two non-empty parts: module and function.
		if len(got) < 3 || !strings.Contains(got[1:len(got)-1], ":") {
			t.Fatalf("RunPath(%q) = %q: no module or function", in, got)
		}
	})
}
