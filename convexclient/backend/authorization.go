package backend

import (
	"net/http"
	"strconv"
	"strings"
)

// Scheme is the kind of an Authorization header (ExtractAuthenticationToken
// in crates/local_backend/src/authentication.rs).
type Scheme uint8

// The schemes.
const (
	SchemeNone   Scheme = iota // no header
	SchemeBearer               // "Bearer <token>": a user's JWT
	SchemeConvex               // "Convex <key>[:<base64 identity>]": the deploy key
)

// ParseAuthorization applies the backend's syntactic rules to an
// Authorization header, in its order: a value with a byte that is not
// visible ASCII (or tab) → 400 HeaderParseFailure; shorter than 7 bytes →
// 400 ErrInvalidHeader; "Convex <rest>" (prefix case-insensitive) →
// SchemeConvex with rest; "Bearer <token>" with something after the prefix
// → SchemeBearer with the token trimmed of spaces (possibly empty, which
// then fails as ErrUnparsableJWT); anything else → 400 ErrInvalidAdminKey.
// Nothing is verified here.
func ParseAuthorization(h string) (Scheme, string, *Error) {
	if h == "" {
		return SchemeNone, "", nil
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return 0, "", &Error{Status: http.StatusBadRequest, Code: "HeaderParseFailure",
				Message: "Failed to parse header " + rustHeaderDebug(h)}
		}
	}
	if len(h) < 7 {
		return 0, "", ErrInvalidHeader()
	}
	if strings.EqualFold(h[:7], "convex ") {
		return SchemeConvex, h[7:], nil
	}
	if len(h) <= 7 || !strings.EqualFold(h[:7], "bearer ") {
		return 0, "", ErrInvalidAdminKey()
	}
	return SchemeBearer, strings.TrimSpace(h[7:]), nil
}

// rustHeaderDebug formats a header value as Rust's HeaderValue Debug does.
func rustHeaderDebug(h string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '"':
			b.WriteString(`\"`)
		case c == ' ' || c == '\t' || (c > 0x20 && c < 0x7f):
			b.WriteByte(c)
		default:
			b.WriteString(`\x` + strconv.FormatUint(uint64(c), 16))
		}
	}
	b.WriteByte('"')
	return b.String()
}
