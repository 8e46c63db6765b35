package routes

import (
	"encoding/json"
	"errors"

	"github.com/convexgw/convexgw/convexclient/backend"
)

// errMalformedResult is a backend function response that is not one.
var errMalformedResult = errors.New("routes: malformed backend function response")

// convertResult appends a function response body from the backend
// ({"status","value"|"errorMessage","errorData"?,"logLines"?}, values in
// convex_encoded_json, as the passthrough always asks) with its value and
// errorData printed in format f (backend.Format.Append: the printers the
// fake deployment uses), keeping the other fields' bytes and the backend's
// field order. The backend is always called with convex_encoded_json
// because it rejects a bad format only after running the function, and the
// passthrough must answer the same.
func convertResult(dst, body []byte, f backend.Format) ([]byte, error) {
	var r struct {
		Status, Value, ErrorMessage, ErrorData, LogLines json.RawMessage
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return dst, err
	}
	if r.Status == nil {
		return dst, errMalformedResult
	}
	out := append(dst, `{"status":`...)
	out = append(out, r.Status...)
	var err error
	if r.Value != nil {
		out = append(out, `,"value":`...)
		if out, err = f.Append(out, r.Value); err != nil {
			return dst, err
		}
	}
	if r.ErrorMessage != nil {
		out = append(out, `,"errorMessage":`...)
		out = append(out, r.ErrorMessage...)
	}
	if r.ErrorData != nil {
		out = append(out, `,"errorData":`...)
		if out, err = f.Append(out, r.ErrorData); err != nil {
			return dst, err
		}
	}
	if r.LogLines != nil {
		out = append(out, `,"logLines":`...)
		out = append(out, r.LogLines...)
	}
	return append(out, '}'), nil
}
