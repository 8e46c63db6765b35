package devbackend

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Maximum text lengths in UTF-16 code units, after trimming (CONTRACT.md).
const (
	maxName      = 200
	maxTitle     = 200
	maxFullName  = 200
	maxDonorName = 200
	maxPhone     = 50
	maxAddress   = 200
	maxCity      = 100
	maxLocation  = 200
	maxNotes     = 2000
)

// convexError is the error data of a thrown ConvexError: keys sorted, so the
// JSON equals the TypeScript code's alphabetical object literals.
type convexError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message,omitempty"`
}

func (e *convexError) Error() string { return "ConvexError: " + e.Code }

var (
	errUnauthenticated = &convexError{Code: "UNAUTHENTICATED"}
	errForbidden       = &convexError{Code: "FORBIDDEN"}
	errNotFound        = &convexError{Code: "NOT_FOUND"}
)

func invalid(field, message string) error {
	return &convexError{Code: "INVALID", Field: field, Message: message}
}

// isJSSpace reports the characters ECMAScript's String.prototype.trim strips.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// jsTrim is String.prototype.trim.
func jsTrim(s string) string { return strings.TrimFunc(s, isJSSpace) }

// jsLen is String.prototype.length: UTF-16 code units.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// requiredText trims value; empty or longer than max is INVALID.
func requiredText(field, value string, max int) (string, error) {
	t := jsTrim(value)
	if jsLen(t) == 0 {
		return "", invalid(field, field+" must not be empty")
	}
	if jsLen(t) > max {
		return "", invalid(field, field+" must be at most "+strconv.Itoa(max)+" characters")
	}
	return t, nil
}

// optionalText trims value; longer than max is INVALID; "" is allowed.
func optionalText(field, value string, max int) (string, error) {
	t := jsTrim(value)
	if jsLen(t) > max {
		return "", invalid(field, field+" must be at most "+strconv.Itoa(max)+" characters")
	}
	return t, nil
}

func finite(field string, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return invalid(field, field+" must be a finite number")
	}
	return nil
}

// maxAmount is the largest amount, so sums of amounts stay finite.
const maxAmount = 1e12

func positiveAmount(f float64) error {
	if !(!math.IsNaN(f) && !math.IsInf(f, 0) && f > 0) {
		return invalid("amount", "amount must be a positive number")
	}
	if f > maxAmount {
		return invalid("amount", "amount must be at most 1000000000000")
	}
	return nil
}

func currencyCode(s string) error {
	if len(s) != 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[2]) {
		return invalid("currency", "currency must be a 3-letter uppercase code")
	}
	return nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// checkPageSize is the numItems rule: an integer in [1, 100].
func checkPageSize(n float64) error {
	if !(n == math.Trunc(n) && !math.IsInf(n, 0) && n >= 1 && n <= 100) {
		return invalid("paginationOpts.numItems", "numItems must be an integer between 1 and 100")
	}
	return nil
}
