package demo

import (
	"strconv"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// The text and number rules of convex/CONTRACT.md, mirrored exactly so the
// gateway refuses with 400 what the function would refuse with INVALID, and
// with the same message. Values are still sent untrimmed: the function trims.

// jsTrim is ECMAScript String.prototype.trim.
func jsTrim(s string) string { return strings.TrimFunc(s, isJSSpace) }

// isJSSpace reports whether r is WhiteSpace or LineTerminator in ECMAScript
// (U+0085 and U+180E are not).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// jsLen is JavaScript's String.length: UTF-16 code units.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// requiredText is the contract's requiredText(field, value, max).
func requiredText(errs routes.FieldErrors, field, s string, max int) {
	t := jsTrim(s)
	switch {
	case t == "":
		errs.Add(field, field+" must not be empty")
	case jsLen(t) > max:
		errs.Add(field, field+" must be at most "+strconv.Itoa(max)+" characters")
	}
}

// optionalRequiredText applies requiredText to a patch field when it is set.
func optionalRequiredText(errs routes.FieldErrors, field string, s convexclient.Optional[string], max int) {
	if v, ok := s.Get(); ok {
		requiredText(errs, field, v, max)
	}
}

// optionalText is the contract's optionalText(field, value, max): unset
// passes, an empty string is allowed.
func optionalText(errs routes.FieldErrors, field string, s convexclient.Optional[string], max int) {
	if v, ok := s.Get(); ok && jsLen(jsTrim(v)) > max {
		errs.Add(field, field+" must be at most "+strconv.Itoa(max)+" characters")
	}
}

// positiveAmount is the contract's amount rule.
//
// Amounts are at most 1e12, so sums of them (donations:stats) stay finite.
func positiveAmount(errs routes.FieldErrors, field string, a float64) {
	switch {
	case !(a > 0):
		errs.Add(field, field+" must be a positive number")
	case a > 1e12:
		errs.Add(field, field+" must be at most 1000000000000")
	}
}

// currencyCode is the contract's currency rule: /^[A-Z]{3}$/.
func currencyCode(errs routes.FieldErrors, field, s string) {
	ok := len(s) == 3
	for i := 0; ok && i < 3; i++ {
		ok = s[i] >= 'A' && s[i] <= 'Z'
	}
	if !ok {
		errs.Add(field, field+" must be a 3-letter uppercase code")
	}
}

// optionalDocID checks an optional document id field when it is set.
func optionalDocID[T ~string](errs routes.FieldErrors, field string, id convexclient.Optional[T]) {
	if v, ok := id.Get(); ok {
		routes.CheckDocumentID(errs, field, string(v))
	}
}

// docIDs checks a list of document ids: at most max entries, each an id.
func docIDs[T ~string](errs routes.FieldErrors, field string, ids []T, max int) {
	if len(ids) > max {
		errs.Add(field, field+" must have at most "+strconv.Itoa(max)+" entries")
		return
	}
	for _, id := range ids {
		if !routes.ValidDocumentID(string(id)) {
			errs.Add(field, field+" must contain document ids")
			return
		}
	}
}
