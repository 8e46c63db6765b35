package convexclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// response is a Convex function response split into its top-level fields,
// each a sub-slice of the body (raw JSON). Only the envelope is scanned here;
// value is parsed once, by Unmarshal.
type response struct {
	success      bool
	value        []byte
	errorMessage []byte
	errorData    []byte
	logLines     []byte
}

var errMalformed = errors.New("not a Convex function response")

// parseResponse splits body {"status":"success"|"error",...} into fields.
// Values are skipped structurally (strings and nesting), not validated:
// the value goes to Unmarshal, which validates it.
func parseResponse(body []byte) (response, error) {
	var r response
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return r, errMalformed
	}
	i = skipSpace(body, i+1)
	status := []byte(nil)
	for first := true; ; first = false {
		if i < len(body) && body[i] == '}' && first {
			break
		}
		if i >= len(body) || body[i] != '"' {
			return r, errMalformed
		}
		end, err := skipString(body, i)
		if err != nil {
			return r, err
		}
		key := body[i+1 : end-1]
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return r, errMalformed
		}
		i = skipSpace(body, i+1)
		vend, err := skipValue(body, i)
		if err != nil {
			return r, err
		}
		val := body[i:vend]
		switch string(key) {
		case "status":
			status = val
		case "value":
			r.value = val
		case "errorMessage":
			r.errorMessage = val
		case "errorData":
			r.errorData = val
		case "logLines":
			r.logLines = val
		}
		i = skipSpace(body, vend)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
			continue
		}
		if i < len(body) && body[i] == '}' {
			break
		}
		return r, errMalformed
	}
	if skipSpace(body, i+1) != len(body) {
		return r, errMalformed
	}
	switch string(status) {
	case `"success"`:
		if r.value == nil {
			return r, errors.New("success response without a value")
		}
		r.success = true
	case `"error"`:
		if r.errorMessage == nil || r.errorMessage[0] != '"' {
			return r, errors.New("error response without an errorMessage")
		}
	default:
		return r, errMalformed
	}
	return r, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errMalformed
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errMalformed
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errMalformed
	}
	j := i
	for j < len(b) && (b[j] == '-' || b[j] == '+' || b[j] == '.' ||
		(b[j] >= '0' && b[j] <= '9') || (b[j] >= 'a' && b[j] <= 'z') || (b[j] >= 'A' && b[j] <= 'Z')) {
		j++
	}
	if j == i {
		return 0, errMalformed
	}
	return j, nil
}

// functionError builds the *FunctionError of an error response, copying
// everything out of body (which may be a pooled buffer).
func (r *response) functionError(path string, rd redactor) (*FunctionError, error) {
	fe := &FunctionError{Path: path}
	if err := json.Unmarshal(r.errorMessage, &fe.Message); err != nil {
		return nil, fmt.Errorf("errorMessage: %w", err)
	}
	fe.Message = rd.redact(fe.Message)
	if r.errorData != nil {
		if !json.Valid(r.errorData) {
			return nil, errors.New("errorData is not valid JSON")
		}
		fe.Data = bytes.Clone(r.errorData)
	}
	lines, err := r.lines()
	if err != nil {
		return nil, err
	}
	for i := range lines {
		lines[i] = rd.redact(lines[i])
	}
	fe.LogLines = lines
	return fe, nil
}

// lines decodes logLines (nil when absent or null).
func (r *response) lines() ([]string, error) {
	if r.logLines == nil || string(r.logLines) == "null" {
		return nil, nil
	}
	var lines []string
	if err := json.Unmarshal(r.logLines, &lines); err != nil {
		return nil, fmt.Errorf("logLines: %w", err)
	}
	return lines, nil
}

// errTooLarge is returned by readLimited for bodies over the limit.
var errTooLarge = errors.New("response body exceeds the size limit")

// readLimited reads all of r into buf[:0], failing once more than max bytes
// arrive. sizeHint (Content-Length, or -1) pre-sizes the buffer.
func readLimited(buf []byte, r io.Reader, max, sizeHint int64) ([]byte, error) {
	if sizeHint > max {
		return buf[:0], errTooLarge
	}
	if sizeHint > 0 && int64(cap(buf)) < sizeHint+1 {
		buf = make([]byte, 0, sizeHint+1)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return buf, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// httpError builds the *HTTPError of a non-2xx answer from its (already
// size-limited) body: {"code","message"} when it is one, else the status text.
func httpError(status int, path string, body []byte, rd redactor) *HTTPError {
	he := &HTTPError{Status: status, Path: path}
	var b struct{ Code, Message string }
	if json.Unmarshal(body, &b) == nil && (b.Code != "" || b.Message != "") {
		he.Code, he.Message = rd.redact(b.Code), rd.redact(b.Message)
	} else {
		he.Message = statusText(status)
	}
	return he
}
