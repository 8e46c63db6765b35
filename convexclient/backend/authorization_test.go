package backend

import "testing"

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		h      string
		scheme Scheme
		value  string
		code   string
	}{
		{"", SchemeNone, "", ""},
		{"Bearer abc.def.ghi", SchemeBearer, "abc.def.ghi", ""},
		{"bEaReR  tok  ", SchemeBearer, "tok", ""},
		{"Bearer   ", SchemeBearer, "", ""},
		{"Bearer ", 0, "", "InvalidAdminKey"},
		{"Basic dXNlcjpwYXNz", 0, "", "InvalidAdminKey"},
		{"Convex prod:key|x", SchemeConvex, "prod:key|x", ""},
		{"CONVEX k:aWQ=", SchemeConvex, "k:aWQ=", ""},
		{"Bear", 0, "", "InvalidHeaderFailure"},
		{"Bearer t\xffx", 0, "", "HeaderParseFailure"},
	}
	for _, tt := range tests {
		s, v, err := ParseAuthorization(tt.h)
		code := ""
		if err != nil {
			code = err.Code
		}
		if s != tt.scheme || v != tt.value || code != tt.code {
			t.Errorf("%q: %d %q %q, want %d %q %q", tt.h, s, v, code, tt.scheme, tt.value, tt.code)
		}
	}
	if _, _, err := ParseAuthorization("Bearer \"a\"\x7f"); err == nil || err.Message != `Failed to parse header "Bearer \"a\"\x7f"` {
		t.Errorf("%+v", err)
	}
}

// FuzzParseAuthorization: any header gives a scheme or a 400.
func FuzzParseAuthorization(f *testing.F) {
	for _, h := range []string{"", "Bearer a.b.c", "bearer x", "Bearer ", "Convex k", "Basic x", "Bear", "Bearer \x01"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		s, _, err := ParseAuthorization(h)
		if err != nil && err.Status != 400 {
			t.Fatalf("%q: %+v", h, err)
		}
		if err == nil && h != "" && s == SchemeNone {
			t.Fatalf("%q: no scheme", h)
		}
	})
}
