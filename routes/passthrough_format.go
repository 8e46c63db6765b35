package routes

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
)

// valueFormat is the response value encoding a passthrough caller asked for
// (convex-wire.md §1 "format"). The backend is always called with
// convex_encoded_json; other formats are converted from it.
type valueFormat uint8

const (
	formatEncoded valueFormat = iota + 1 // "convex_encoded_json" / "convex_json": lossless
	formatClean                          // "json" / "convex_clean_json": int64 → string, ...
	formatExport                         // "export_json": int64 → bare integer
)

// resolveFormat picks the response format. An explicit unknown value gives
// formatEncoded plus the 400 BadFormat Convex sends after running the
// function. Absent, /api/run uses json; the other endpoints use json too
// except for old npm (< 1.4.1) and python (< 0.5.0) clients (Convex-Client).
func resolveFormat(f *string, run bool, client string) (valueFormat, *convexHTTPError) {
	if f != nil {
		switch *f {
		case "convex_encoded_json", "convex_json":
			return formatEncoded, nil
		case "json", "convex_clean_json":
			return formatClean, nil
		case "export_json":
			return formatExport, nil
		}
		e := convexHTTPError{400, "BadFormat", "format param must be one of [`json`]. Got " + *f, ""}
		return formatEncoded, &e
	}
	if !run && legacyEncodedClient(client) {
		return formatEncoded, nil
	}
	return formatClean, nil
}

// legacyEncodedClient reports whether a Convex-Client header names a client
// old enough to get convex_encoded_json by default.
func legacyEncodedClient(h string) bool {
	name, ver, ok := splitClientVersion(h)
	if !ok {
		return false
	}
	switch name {
	case "npm", "npm-cli", "actions":
		return versionLess(ver, [3]int{1, 4, 1})
	case "python":
		return versionLess(ver, [3]int{0, 5, 0})
	}
	return false
}

// splitClientVersion splits "<name>-<semver>" at the first '-' followed by
// a version, so "npm-cli-1.2.3" is ("npm-cli", [1,2,3]).
func splitClientVersion(h string) (string, [3]int, bool) {
	for i := 0; i < len(h); i++ {
		if h[i] != '-' {
			continue
		}
		core, _, _ := strings.Cut(h[i+1:], "-")
		core, _, _ = strings.Cut(core, "+")
		parts := strings.Split(core, ".")
		if len(parts) != 3 {
			continue
		}
		var v [3]int
		ok := true
		for j, p := range parts {
			n, err := strconv.Atoi(p)
			ok = ok && err == nil && n >= 0
			v[j] = n
		}
		if ok {
			return strings.ToLower(h[:i]), v, true
		}
	}
	return "", [3]int{}, false
}

func versionLess(a, b [3]int) bool { return slices.Compare(a[:], b[:]) < 0 }

// convertResponse re-encodes the value and errorData of a Convex function
// response body (convex_encoded_json) in format f, keeping the other fields'
// bytes and the backend's field order.
func convertResponse(body []byte, f valueFormat) ([]byte, error) {
	var r struct {
		Status, Value, ErrorMessage, ErrorData, LogLines json.RawMessage
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	if r.Status == nil {
		return nil, errBadSpecial
	}
	out := make([]byte, 0, len(body)+16)
	out = append(out, `{"status":`...)
	out = append(out, r.Status...)
	var err error
	if r.Value != nil {
		out = append(out, `,"value":`...)
		if out, err = convertValue(out, r.Value, f); err != nil {
			return nil, err
		}
	}
	if r.ErrorMessage != nil {
		out = append(out, `,"errorMessage":`...)
		out = append(out, r.ErrorMessage...)
	}
	if r.ErrorData != nil {
		out = append(out, `,"errorData":`...)
		if out, err = convertValue(out, r.ErrorData, f); err != nil {
			return nil, err
		}
	}
	if r.LogLines != nil {
		out = append(out, `,"logLines":`...)
		out = append(out, r.LogLines...)
	}
	return append(out, '}'), nil
}

// convertValue appends the Convex-encoded value raw in format f.
func convertValue(dst, raw []byte, f valueFormat) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return appendConverted(dst, v, f)
}

var errBadSpecial = errors.New("routes: malformed backend response")

func appendConverted(b []byte, v any, f valueFormat) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case json.Number:
		return append(b, x...), nil
	case string:
		return appendSerdeString(b, x), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendConverted(b, e, f); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if len(x) == 1 {
			for k, s := range x {
				if str, ok := s.(string); ok && strings.HasPrefix(k, "$") {
					return appendSpecial(b, k, str, f)
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendSerdeString(b, k)
			b = append(b, ':')
			if b, err = appendConverted(b, x[k], f); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, errBadSpecial
}

// appendSpecial converts {"$integer"|"$float"|"$bytes": payload}.
func appendSpecial(b []byte, key, payload string, f valueFormat) ([]byte, error) {
	keep := func() []byte {
		b = append(b, '{')
		b = appendSerdeString(b, key)
		b = append(b, ':')
		return append(appendSerdeString(b, payload), '}')
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, errBadSpecial
	}
	switch key {
	case "$bytes":
		if f == formatClean {
			return appendSerdeString(b, payload), nil
		}
		return keep(), nil
	case "$integer":
		if len(raw) != 8 {
			return nil, errBadSpecial
		}
		n := int64(binary.LittleEndian.Uint64(raw))
		if f == formatClean {
			return appendSerdeString(b, strconv.FormatInt(n, 10)), nil
		}
		return strconv.AppendInt(b, n, 10), nil
	case "$float":
		if len(raw) != 8 {
			return nil, errBadSpecial
		}
		x := math.Float64frombits(binary.LittleEndian.Uint64(raw))
		switch {
		case f != formatClean:
			return keep(), nil
		case math.IsNaN(x):
			return appendSerdeString(b, "NaN"), nil
		case math.IsInf(x, 1):
			return appendSerdeString(b, "Infinity"), nil
		case math.IsInf(x, -1):
			return appendSerdeString(b, "-Infinity"), nil
		}
		return append(b, "-0.0"...), nil
	}
	return nil, errBadSpecial
}
