package convextest

import "testing"

func TestParseFunctionPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"tasks:list", "tasks:list"},
		{"tasks.js:list", "tasks:list"},
		{"tasks", "tasks:default"},
		{"tasks.js", "tasks:default"},
		{"admin/users:get", "admin/users:get"},
		{"a_b.c/d:_x1", "a_b.c/d:_x1"},
		{"", ""}, {":list", ""}, {"tasks:", ""}, {"/abs:f", ""}, {"a//b:f", ""}, {"a b:f", ""},
		{"tasks:1x", ""}, {"tasks:__", ""}, {"tasks:a-b", ""}, {"_/x:f", ""}, {"tasks.ts:list", ""},
		{"t:a:b", ""}, {string(make([]byte, 65)) + ":f", ""},
	}
	for _, tt := range tests {
		fp, err := parseFunctionPath(tt.in)
		got := ""
		if err == nil {
			got = fp.String()
		}
		if got != tt.want {
			t.Errorf("parseFunctionPath(%q) = %q (%v), want %q", tt.in, got, err, tt.want)
		}
	}
}
