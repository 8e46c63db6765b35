package convexclient

import (
	"encoding/base64"
	"math"
	"strconv"
)

// checkFieldName applies Convex's field-name rules to an object key.
func checkFieldName(k []byte) error {
	if len(k) > maxFieldNameLen {
		return valueErr("field name is longer than 1024 characters")
	}
	if len(k) > 0 && k[0] == '$' {
		return valueErr("Field name " + string(k) + " starts with a '$', which is reserved.")
	}
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			return valueErr("Field name " + strconv.Quote(string(k)) + " has an invalid character: field names can only contain non-control ASCII characters")
		}
	}
	return nil
}

// special is a decoded {"$integer"|"$float"|"$bytes": ...} object.
type special struct {
	kind    byte
	payload []byte // base64 text as received (aliases scanner buffers)
	bits    uint64 // little-endian 8 bytes for $integer / $float
}

// readSpecial parses the rest of a special object whose '$'-prefixed key has
// just been read (pos is after the key). It validates the payload.
func (s *scanner) readSpecial(key []byte) (special, error) {
	var sp special
	switch string(key) {
	case "$integer":
		sp.kind = specialInteger
	case "$float":
		sp.kind = specialFloat
	case "$bytes":
		sp.kind = specialBytes
	case "$set":
		return sp, valueErr("Received a Set which is no longer supported as a Convex type.")
	case "$map":
		return sp, valueErr("Received a Map which is no longer supported as a Convex type.")
	default:
		return sp, checkFieldName(key)
	}
	name := string(key)
	if err := s.expect(':'); err != nil {
		return sp, err
	}
	s.skipWS()
	payload, err := s.readString()
	if err != nil {
		if s.pos < len(s.data) && s.data[s.pos] != '"' {
			return sp, valueErr(name + " must hold a base64 string")
		}
		return sp, err
	}
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == ',' {
		return sp, valueErr("object with a " + name + " field has other fields; field names starting with '$' are reserved")
	}
	if err := s.expect('}'); err != nil {
		return sp, err
	}
	sp.payload = payload
	if sp.kind == specialBytes {
		if !validBase64(payload) {
			return sp, valueErr("$bytes is not valid padded standard base64")
		}
		return sp, nil
	}
	var b [8]byte
	if !validBase64(payload) {
		return sp, valueErr(name + " is not valid padded standard base64")
	}
	if n := decodedLen(payload); n != 8 {
		return sp, valueErr("Received " + strconv.Itoa(n) + " bytes, expected 8 for " + name)
	}
	if _, err := base64.StdEncoding.Strict().Decode(b[:], payload); err != nil {
		return sp, valueErr(name + " is not valid base64")
	}
	sp.bits = uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
	if sp.kind == specialFloat && !isSpecialFloat(math.Float64frombits(sp.bits)) {
		return sp, valueErr("Float " + strconv.FormatFloat(math.Float64frombits(sp.bits), 'g', -1, 64) + " should be encoded as a number")
	}
	return sp, nil
}

// validBase64 reports whether p is canonical padded standard base64.
func validBase64(p []byte) bool {
	if len(p)%4 != 0 {
		return false
	}
	for i, c := range p {
		if c == '=' && i < len(p)-2 {
			return false
		}
	}
	var buf [96]byte
	enc := base64.StdEncoding.Strict()
	for len(p) > 0 {
		n := min(len(p), 128)
		if _, err := enc.Decode(buf[:], p[:n]); err != nil {
			return false
		}
		p = p[n:]
	}
	return true
}

// isSpecialFloat reports whether f needs the $float form: NaN, ±Inf or -0.
func isSpecialFloat(f float64) bool {
	return math.IsNaN(f) || math.IsInf(f, 0) || (f == 0 && math.Signbit(f))
}

// decodedLen is the decoded length of valid padded base64 p.
func decodedLen(p []byte) int {
	n := len(p) / 4 * 3
	for i := len(p) - 1; i >= 0 && p[i] == '='; i-- {
		n--
	}
	return n
}
