package convextest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// resultWriter assembles a function result body ({"status":...}) exactly as
// the backend serialises UdfResponse.
type resultWriter struct {
	rid    string
	value  []byte // canonical value on success
	errMsg string // inner error message; "" on success
	data   []byte // canonical errorData for a ConvexError
	logs   []string
	failed bool
}

func (w *resultWriter) fail(msg string, data []byte) {
	w.failed, w.errMsg, w.data, w.value = true, msg, data, nil
}

// finish encodes the result in the requested format, or def when format
// is absent (after execution, as the backend does: a bad format is a 400
// even though the function ran).
func (w *resultWriter) finish(format string, hasFormat bool, def string) Response {
	if !hasFormat {
		format = def
	}
	conv, ok := formatConverter(format)
	if !ok {
		return badFormat(format)
	}
	b := make([]byte, 0, 64+len(w.value)+len(w.data))
	var err error
	if !w.failed {
		b = append(b, `{"status":"success","value":`...)
		if b, err = conv(b, w.value); err != nil {
			return internalError()
		}
	} else {
		b = append(b, `{"status":"error","errorMessage":`...)
		msg, _ := convexclient.Marshal(strings.ToValidUTF8("[Request ID: "+w.rid+"] Server Error\n"+w.errMsg+"\n", "\uFFFD"))
		b = append(b, msg...)
		if w.data != nil {
			b = append(b, `,"errorData":`...)
			if b, err = conv(b, w.data); err != nil {
				return internalError()
			}
		}
	}
	if len(w.logs) > 0 {
		lines, _ := convexclient.Marshal(w.logs)
		b = append(b, `,"logLines":`...)
		b = append(b, lines...)
	}
	b = append(b, '}')
	return Response{Status: http.StatusOK, Body: b}
}

type converter func(dst, canonical []byte) ([]byte, error)

// badFormat is the backend's answer to an unknown "format"
// (crates/value/src/export.rs ValueFormat::from_str).
func badFormat(format string) Response {
	return codeResponse(http.StatusBadRequest, "BadFormat", "format param must be one of [`json`]. Got "+format)
}

// formatConverter maps a "format" value to an output conversion; ok is
// false for an unknown format.
func formatConverter(format string) (converter, bool) {
	switch format {
	case "convex_encoded_json", "convex_json":
		return func(dst, c []byte) ([]byte, error) { return append(dst, c...), nil }, true
	case "json", "convex_clean_json":
		return convexclient.AppendCleanJSON, true
	case "export_json":
		return convexclient.AppendExportJSON, true
	}
	return nil, false
}

func internalError() Response {
	return codeResponse(http.StatusInternalServerError, "InternalServerError", "Your request couldn't be completed. Try again later.")
}

// codeResponse is the backend's HTTP-level error body {"code","message"}.
func codeResponse(status int, code, message string) Response {
	b, _ := convexclient.Marshal(map[string]string{"code": code, "message": strings.ToValidUTF8(message, "\uFFFD")})
	return Response{Status: status, Body: b}
}

// newRequestID returns 16 random lowercase hex characters, like the backend.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
