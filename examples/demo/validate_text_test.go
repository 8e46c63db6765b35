package demo

import (
	"maps"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

func TestJSTrimAndLen(t *testing.T) {
	cases := []struct {
		in, trimmed string
		n           int
	}{
		{" \t\n\v\f\r a \u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff", "a", 1},
		{"\u0085x\u180e", "\u0085x\u180e", 3}, // not JS whitespace
		{"😀", "😀", 2},                         // a surrogate pair
		{"", "", 0},
	}
	for _, tc := range cases {
		if got := jsTrim(tc.in); got != tc.trimmed {
			t.Errorf("jsTrim(%q) = %q, want %q", tc.in, got, tc.trimmed)
		}
		if got := jsLen(tc.trimmed); got != tc.n {
			t.Errorf("jsLen(%q) = %d, want %d", tc.trimmed, got, tc.n)
		}
	}
}

func TestTextRules(t *testing.T) {
	errs := routes.FieldErrors{}
	requiredText(errs, "title", " ", 5)
	requiredText(errs, "fullName", strings.Repeat("😀", 3), 5) // 6 UTF-16 units
	requiredText(errs, "donorName", " abcde ", 5)             // trimmed to 5: ok
	optionalText(errs, "notes", convexclient.Some(strings.Repeat("x", 3)), 2)
	optionalText(errs, "city", convexclient.Some(""), 2) // empty optional text is allowed
	optionalText(errs, "phone", convexclient.Optional[string]{}, 2)
	currencyCode(errs, "currency", "EURO")
	positiveAmount(errs, "amount", -1)
	want := map[string]string{
		"title":    "title must not be empty",
		"fullName": "fullName must be at most 5 characters",
		"notes":    "notes must be at most 2 characters",
		"currency": "currency must be a 3-letter uppercase code",
		"amount":   "amount must be a positive number",
	}
	if !maps.Equal(map[string]string(errs), want) {
		t.Fatalf("got %v\nwant %v", errs, want)
	}
}
