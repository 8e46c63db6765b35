package routes

import (
	"net/url"
	"strconv"
)

// Bounds of list queries and path parameters.
const (
	defaultPageSize = 20   // ?limit= when absent
	maxPageSize     = 100  // largest ?limit= accepted
	maxCursorLen    = 4096 // Convex cursors are opaque strings of a few hundred bytes
	maxIDLen        = 128  // Convex document ids are 32 characters today
)

// ValidDocumentID reports whether s can be a Convex document id: 1 to 128
// characters from [A-Za-z0-9_-]. Anything else (empty, too long, slashes,
// dots, spaces, non-ASCII) is refused before it reaches Convex.
func ValidDocumentID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// PageQuery is a parsed ?limit=&cursor= pair. Cursor nil means the first page.
type PageQuery struct {
	Limit  int
	Cursor *string
}

// parsePageQuery reads ?limit= (1..maxPageSize, default defaultPageSize) and
// ?cursor= (opaque, printable ASCII, at most maxCursorLen bytes; empty means
// the first page). Problems come back as field errors under "limit" and
// "cursor"; a repeated parameter is an error too.
func parsePageQuery(q url.Values) (PageQuery, FieldErrors) {
	p := PageQuery{Limit: defaultPageSize}
	var errs FieldErrors
	bad := func(field, msg string) {
		if errs == nil {
			errs = FieldErrors{}
		}
		errs.Add(field, msg)
	}
	if vs, ok := q["limit"]; ok {
		n, err := strconv.Atoi(vs[0])
		if len(vs) != 1 || err != nil || n < 1 || n > maxPageSize {
			bad("limit", "must be an integer between 1 and "+strconv.Itoa(maxPageSize))
		} else {
			p.Limit = n
		}
	}
	if vs, ok := q["cursor"]; ok {
		c := vs[0]
		switch {
		case len(vs) != 1:
			bad("cursor", "must be given once")
		case len(c) > maxCursorLen || !printableASCII(c):
			bad("cursor", "is not a valid cursor")
		case c != "":
			p.Cursor = &c
		}
	}
	return p, errs
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
