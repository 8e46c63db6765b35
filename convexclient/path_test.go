package convexclient

import "testing"

func TestCanonicalPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"messages:list", "messages:list"},
		{"messages.js:list", "messages:list"},
		{"admin/users:get", "admin/users:get"},
		{"admin/users.js:get", "admin/users:get"},
		{"messages", "messages:default"},
		{"messages.js", "messages:default"},
		{"_system/cli/modules:apiSpec", "_system/cli/modules:apiSpec"},
		{"a_b.c/d:_x1", "a_b.c/d:_x1"},
		{"a:" + string(make64('f')), "a:" + string(make64('f'))},
		// rejected
		{"", ""},
		{":list", ""},
		{"messages:", ""},
		{"a:b:c", ""},
		{"/abs:list", ""},
		{"a//b:list", ""},
		{"a/:list", ""},
		{"messages.ts:list", ""},
		{"__:list", ""},
		{"m:1abc", ""},
		{"m:___", ""},
		{"m:a-b", ""},
		{"m-x:list", ""},
		{"m:" + string(make64('f')) + "g", ""},
		{"m y:list", ""},
		{`m":list`, ""},
		{"m\\:list", ""},
		{"m:lïst", ""},
	}
	for _, tc := range cases {
		got, ok := CanonicalPath(tc.in)
		if got != tc.want || ok != (tc.want != "") || ValidPath(tc.in) != ok {
			t.Errorf("CanonicalPath(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}

func FuzzValidPath(f *testing.F) {
	for _, s := range []string{"messages:list", "a/b.js:c", "m", ":", "a:b:c", "__:x", "x.ts:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := CanonicalPath(s)
		if !ok {
			return
		}
		// A valid path needs no JSON escaping (it is written raw into the body)
		// and its canonical form is a fixed point.
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\' {
				t.Fatalf("valid path %q has byte %#x", s, s[i])
			}
		}
		if c2, ok2 := CanonicalPath(c); !ok2 || c2 != c {
			t.Fatalf("canonical %q -> %q, %v", c, c2, ok2)
		}
	})
}
