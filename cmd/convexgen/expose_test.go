package main

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func exposeFixture(t *testing.T) []convexclient.SpecFunction {
	t.Helper()
	spec, err := convexclient.ParseFunctionSpec([]byte(`{"functions":[
	  {"identifier":"messages.js:list","functionType":"Query","visibility":{"kind":"public"}},
	  {"identifier":"messages.js:send","functionType":"Mutation","visibility":{"kind":"public"}},
	  {"identifier":"messages.js:purge","functionType":"Mutation","visibility":{"kind":"internal"}},
	  {"identifier":"admin/users.js:list","functionType":"Query","visibility":{"kind":"public"}},
	  {"identifier":"users.js:me","functionType":"Query","visibility":{"kind":"public"}},
	  {"identifier":"mail.js:default","functionType":"Action","visibility":{"kind":"public"}},
	  {"functionType":"HttpAction","method":"POST","path":"/hook"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return spec.Functions
}

func TestExposure(t *testing.T) {
	fns := exposeFixture(t)
	cases := []struct {
		patterns []string
		want     string // exposed paths, or "error: <substring>"
	}{
		{nil, ""},
		{[]string{"users:me"}, "users:me"},
		{[]string{"users.js:me"}, "error: matches no function"},
		{[]string{"messages:list", "messages:send", "admin/*:list"}, "admin/users:list,messages:list,messages:send"},
		{[]string{"*:me"}, "users:me"},
		{[]string{"mail"}, "mail"},
		{[]string{"mail:default"}, "mail"},
		{[]string{"messages:*"}, "error: internal functions cannot be exposed: messages:purge (pattern \"messages:*\")"},
		{[]string{"messages:purge", "users:me"}, "error: messages:purge"},
		{[]string{"nope:*"}, "error: expose pattern \"nope:*\" matches no function"},
		{[]string{"[bad"}, "error: syntax error in pattern"},
	}
	for _, tc := range cases {
		got, err := exposure(tc.patterns, fns)
		if want, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: err = %v, want %q", tc.patterns, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.patterns, err)
			continue
		}
		if s := strings.Join(sortedKeys(got), ","); s != tc.want {
			t.Errorf("%q: exposed %s, want %s", tc.patterns, s, tc.want)
		}
	}
}

func TestExclusion(t *testing.T) {
	fns := exposeFixture(t)
	cases := []struct {
		patterns []string
		want     string // kept functions (HTTP actions as ""), or "error: <substring>"
	}{
		{nil, ",admin/users:list,mail,messages:list,messages:purge,messages:send,users:me"},
		{[]string{"messages:*"}, ",admin/users:list,mail,users:me"},
		{[]string{"messages:purge", "*:me"}, ",admin/users:list,mail,messages:list,messages:send"},
		{[]string{"admin/*:*", "mail"}, ",messages:list,messages:purge,messages:send,users:me"},
		{[]string{"auth:*"}, `error: exclude pattern "auth:*" matches no function`},
		{[]string{"[bad"}, "error: syntax error in pattern"},
	}
	for _, tc := range cases {
		got, err := exclusion(tc.patterns, fns)
		if want, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: err = %v, want %q", tc.patterns, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.patterns, err)
			continue
		}
		var paths []string
		for _, f := range got {
			paths = append(paths, f.Path)
		}
		sort.Strings(paths)
		if s := strings.Join(paths, ","); s != tc.want {
			t.Errorf("%q: kept %s, want %s", tc.patterns, s, tc.want)
		}
	}
}

// TestExcludedNotGenerated: an excluded function has no binding and no
// types, and exposing it is an error like exposing a missing function.
func TestExcludedNotGenerated(t *testing.T) {
	spec := goldenDir + "/kinds/function-spec.json"
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-spec", spec, "-package", "kinds", "-exclude", "tasks:*"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if strings.Contains(stdout.String(), `"tasks:`) || strings.Contains(stdout.String(), "TasksList") {
		t.Fatal("an excluded function was generated")
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"-spec", spec, "-package", "kinds", "-exclude", "tasks:*", "-expose", "tasks:list"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), `expose pattern "tasks:list" matches no function`) {
		t.Fatalf("exposing an excluded function: exit %d, %s", code, stderr.String())
	}
}

func TestSplitPatterns(t *testing.T) {
	if got := strings.Join(splitPatterns(" messages:*, ,users:me,"), "|"); got != "messages:*|users:me" {
		t.Fatal(got)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	write(t, good, `{"expose": ["users:me"]}`)
	c, err := loadConfig(good)
	if err != nil || len(c.Expose) != 1 || c.Expose[0] != "users:me" {
		t.Fatalf("%+v %v", c, err)
	}
	both := filepath.Join(dir, "both.json")
	write(t, both, `{"expose": ["users:me"], "exclude": ["auth:*", "admin/*:*"]}`)
	if c, err := loadConfig(both); err != nil || strings.Join(c.Exclude, ",") != "auth:*,admin/*:*" {
		t.Fatalf("%+v %v", c, err)
	}
	typo := filepath.Join(dir, "typo.json")
	write(t, typo, `{"exposed": ["users:me"]}`)
	if _, err := loadConfig(typo); err == nil || !strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("typo: %v", err)
	}
	if _, err := loadConfig(filepath.Join(dir, "none.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
}
