package backend

import (
	"net/http"

	"github.com/convexgw/convexgw/convexclient"
)

// Format is a response value encoding, the "format" of a request
// (ValueFormat::from_str in crates/value/src/export.rs). The zero value is
// not a format.
type Format uint8

// The formats.
const (
	// FormatEncoded ("convex_encoded_json", "convex_json") is lossless:
	// the stored value verbatim.
	FormatEncoded Format = iota + 1
	// FormatClean ("json", "convex_clean_json") is lossy: int64 as a
	// decimal string, bytes as base64, NaN/±Inf as strings, -0 as -0.0.
	FormatClean
	// FormatExport ("export_json"): int64 as a bare integer, -0 as -0.0,
	// NaN/±Inf and bytes as their special objects.
	FormatExport
)

// ParseFormat reads a "format" value; ok is false for an unknown one
// (answer BadFormatError, after running the function, as the backend does).
func ParseFormat(s string) (f Format, ok bool) {
	switch s {
	case "convex_encoded_json", "convex_json":
		return FormatEncoded, true
	case "json", "convex_clean_json":
		return FormatClean, true
	case "export_json":
		return FormatExport, true
	}
	return 0, false
}

// BadFormatError is the answer to an unknown "format" value.
func BadFormatError(format string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "BadFormat", Message: "format param must be one of [`json`]. Got " + format}
}

// DefaultFormat is the format of a request without "format": FormatClean,
// except FormatEncoded for old npm and python clients (EncodedByDefault)
// on every endpoint but /api/run (ClientVersion::default_format in
// crates/common/src/version.rs; public_function_post_with_path).
func DefaultFormat(endpoint, clientVersion string) Format {
	if endpoint != EndpointRun && EncodedByDefault(clientVersion) {
		return FormatEncoded
	}
	return FormatClean
}

// Append appends value, Convex-encoded JSON (as the backend stores it and
// FormatEncoded prints it), in format f. Errors match
// convexclient.ErrInvalidValue and leave dst unchanged.
func (f Format) Append(dst, value []byte) ([]byte, error) {
	switch f {
	case FormatClean:
		return convexclient.AppendCleanJSON(dst, value)
	case FormatExport:
		return convexclient.AppendExportJSON(dst, value)
	}
	return append(dst, value...), nil
}
