package auth

import "testing"

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"dana@example.com":     "d***@example.com",
		" Dana@Example.com ":   "D***@Example.com",
		"a@b.c":                "a***@b.c",
		"élise@example.fr":     "é***@example.fr",
		"we@ird@example.com":   "w***@example.com",
		"":                     "***",
		"no-at-sign":           "***",
		"@example.com":         "***",
		"dana@":                "***",
		"\ndana@example.com":   "d***@example.com",
		"dana@exa\nmple.com":   "***",
		"\x01x@example.com":    "***",
		"\xffdana@example.com": "***",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
