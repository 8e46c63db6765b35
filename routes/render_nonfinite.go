package routes

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/convexgw/convexgw/convexclient"
)

// errBadSpecialValue is a malformed $integer, $float or $bytes object in
// convexclient.Marshal's output (a bug, never a client's input).
var errBadSpecialValue = errors.New("routes: malformed Convex special value")

// renderNonFinite renders v, which encoding/json refused for a NaN or
// infinite float, as the REST answer encoding/json would have given but for
// those: each non-finite float becomes the string "NaN", "Infinity" or
// "-Infinity" (Convex's clean JSON export spells them so), and everything
// else keeps the REST form of the normal path: an int64 stays a JSON number
// and bytes stay a base64 string. (Convex's clean export itself would turn
// every int64 of the answer into a string, so one stored Infinity would
// change the type of unrelated fields.) Object keys come out sorted. The
// output ends with a newline, as encoding/json's Encoder writes.
func renderNonFinite(v any) ([]byte, error) {
	enc, err := convexclient.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(enc))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	if x, err = restValue(x); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(x); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// restValue converts a decoded Convex JSON value to its REST form (see
// renderNonFinite).
func restValue(x any) (any, error) {
	switch v := x.(type) {
	case map[string]any:
		if len(v) == 1 {
			for k, val := range v {
				if s, ok := val.(string); ok && (k == "$integer" || k == "$float" || k == "$bytes") {
					return specialValue(k, s)
				}
			}
		}
		for k, val := range v {
			r, err := restValue(val)
			if err != nil {
				return nil, err
			}
			v[k] = r
		}
		return v, nil
	case []any:
		for i, val := range v {
			r, err := restValue(val)
			if err != nil {
				return nil, err
			}
			v[i] = r
		}
		return v, nil
	}
	return x, nil
}

// specialValue is the REST form of {"$integer"|"$float"|"$bytes": s}.
func specialValue(kind, s string) (any, error) {
	if kind == "$bytes" {
		return s, nil // the same standard base64 encoding/json writes for []byte
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 8 {
		return nil, errBadSpecialValue
	}
	bits := binary.LittleEndian.Uint64(b)
	if kind == "$integer" {
		return json.Number(strconv.FormatInt(int64(bits), 10)), nil
	}
	switch f := math.Float64frombits(bits); {
	case math.IsNaN(f):
		return "NaN", nil
	case math.IsInf(f, 1):
		return "Infinity", nil
	case math.IsInf(f, -1):
		return "-Infinity", nil
	default: // -0
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
}
