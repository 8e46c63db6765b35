package backend

import (
	"strings"
	"testing"
)

// TestParseFunctionPath: accepted paths and their canonical and displayed
// forms, and the backend's error text for each refusal
// (convex-backend crates/convex/sync_types/src/{udf_path,module_path,path,identifier}.rs).
func TestParseFunctionPath(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct{ in, want, display, err string }{
		{"tasks:list", "tasks:list", "tasks:list", ""},
		{"tasks.js:list", "tasks:list", "tasks:list", ""},
		{"tasks", "tasks:default", "tasks", ""},
		{"tasks.js", "tasks:default", "tasks", ""},
		{"tasks:default", "tasks:default", "tasks", ""},
		{"admin/users:get", "admin/users:get", "admin/users:get", ""},
		{"a_b.c/d:_x1", "a_b.c/d:_x1", "a_b.c/d:_x1", ""},
		{"a//b:f", "a/b:f", "a/b:f", ""}, // Rust's Path ignores empty components
		{"", "", "", "Module path  doesn't have a filename."},
		{":list", "", "", "Module path  doesn't have a filename."},
		{"a/..:f", "", "", "Module path a/.. doesn't have a filename."},
		{"tasks:", "", "", "Identifier cannot be empty"},
		{"/abs:f", "", "", "Module paths must be relative (/abs is absolute)."},
		{"./a:f", "", "", "Invalid path component CurDir in ./a."},
		{"a/../b:f", "", "", "Invalid path component ParentDir in a/../b."},
		{"a b:f", "", "", "Path component a b.js can only contain alphanumeric characters, underscores, or periods."},
		{"a b/c:f", "", "", "Path component a b can only contain alphanumeric characters, underscores, or periods."},
		{"tasks:1x", "", "", "Invalid first character '1' in 1x: Identifiers must start with an alphabetic character or underscore"},
		{"tasks:__", "", "", "Identifier __ cannot have exclusively underscores"},
		{"tasks:a-b", "", "", "Identifier a-b has invalid character '-': Identifiers can only contain alphanumeric characters or underscores"},
		{"tasks:" + long, "", "", "Identifier is too long (65 > maximum 64)"},
		{"_/x:f", "", "", "Path component _ must have at least one alphanumeric character."},
		{"tasks.ts:list", "", "", "Module path (tasks.ts) has an extension that isn't 'js'."},
		{"t:a:b", "", "", "Path component t:a.js can only contain alphanumeric characters, underscores, or periods."},
		{long + ":f", "", "", "Path component is too long (68 > maximum 64): " + strings.Repeat("a", 64) + "..."},
	}
	for _, tt := range tests {
		fp, err := ParsePath(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParsePath(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || fp.String() != tt.want || fp.Display() != tt.display {
			t.Errorf("ParsePath(%q) = %q %q (%v), want %q %q", tt.in, fp, fp.Display(), err, tt.want, tt.display)
		}
	}
	if got := BadPathError("a b:f", errString("x")); got.Status != 400 || got.Code != "BadConvexFunctionIdentifier" ||
		got.Message != "a b:f is not a valid path to a Convex function. x" {
		t.Errorf("BadPathError = %+v", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestRunPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"messages/list", "messages:list"},
		{"admin/users/get", "admin/users:get"},
		{"a%2Fb/c", "a/b:c"}, // decoded by the router, then split
		{"a%252Fb/c", "a/b:c"},
		{"messages/list/", "messages/list:"},
		{"messages", ""},
		{"", ""},
		{"a/%zz", ""},
	}
	for _, tt := range tests {
		got, ok := RunPath(tt.in)
		if (tt.want == "") == ok || got != tt.want {
			t.Errorf("RunPath(%q) = %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
}
