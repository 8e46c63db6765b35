package convextest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
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
func (w *resultWriter) finish(format string, hasFormat bool, def backend.Format) Response {
	f := def
	if hasFormat {
		var ok bool
		if f, ok = backend.ParseFormat(format); !ok {
			return errResponse(backend.BadFormatError(format))
		}
	}
	b := make([]byte, 0, 64+len(w.value)+len(w.data))
	var err error
	if !w.failed {
		b = append(b, `{"status":"success","value":`...)
		if b, err = f.Append(b, w.value); err != nil {
			return errResponse(backend.ErrInternal())
		}
	} else {
		b = append(b, `{"status":"error","errorMessage":`...)
		msg, _ := convexclient.Marshal(strings.ToValidUTF8(backend.FunctionErrorMessage(w.rid, w.errMsg), "\uFFFD"))
		b = append(b, msg...)
		if w.data != nil {
			b = append(b, `,"errorData":`...)
			if b, err = f.Append(b, w.data); err != nil {
				return errResponse(backend.ErrInternal())
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

// errResponse is the answer for an HTTP-level error.
func errResponse(e *backend.Error) Response { return Response{Status: e.Status, Body: e.JSON()} }

// codeResponse is the backend's HTTP-level error body {"code","message"}.
func codeResponse(status int, code, message string) Response {
	return errResponse(&backend.Error{Status: status, Code: code, Message: message})
}

// newRequestID returns 16 random lowercase hex characters, like the backend.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
