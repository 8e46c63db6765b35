package convexclient

import (
	"encoding/base64"
	"math"
	"strconv"
)

// formatRyu appends f as Rust's serde_json prints an f64 (ryu's "pretty"
// format): integral values keep ".0", and the exponent form is used when the
// decimal exponent kk (10^(kk-1) <= |f| < 10^kk) is outside -5 < kk <= 16.
// Shortest round-trip digits come from strconv, as in ryu.
func formatRyu(dst []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var tmp [32]byte
	b := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	if b[0] == '-' {
		dst = append(dst, '-')
		b = b[1:]
	}
	var digits [20]byte
	nd := 0
	i := 0
	for ; b[i] != 'e'; i++ {
		if b[i] != '.' {
			digits[nd] = b[i]
			nd++
		}
	}
	exp := 0
	neg := b[i+1] == '-'
	for _, c := range b[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	length := nd
	kk := exp + 1
	k := kk - length
	d := digits[:nd]
	switch {
	case 0 <= k && kk <= 16:
		dst = append(dst, d...)
		for j := length; j < kk; j++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case 0 < kk && kk <= 16:
		dst = append(dst, d[:kk]...)
		dst = append(dst, '.')
		return append(dst, d[kk:]...)
	case -5 < kk && kk <= 0:
		dst = append(dst, '0', '.')
		for j := kk; j < 0; j++ {
			dst = append(dst, '0')
		}
		return append(dst, d...)
	case length == 1:
		dst = append(dst, d[0], 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10)
	default:
		dst = append(dst, d[0], '.')
		dst = append(dst, d[1:]...)
		dst = append(dst, 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10)
	}
}

// formatJS appends f as JavaScript's JSON.stringify (and encoding/json)
// prints a number: 42, 1e+21, 1e-7.
func formatJS(dst []byte, f float64) []byte {
	return formatJSBits(dst, f, 64)
}

func formatJSBits(dst []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			fmt = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, fmt, -1, bits)
	if fmt == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// appendQuoted appends s as a JSON string escaped like serde_json (and
// JSON.stringify): only '"', '\\' and control characters are escaped, with
// short forms for \b \t \n \f \r and lowercase \u00XX otherwise. s must be
// valid UTF-8.
func appendQuoted[T string | []byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\r':
			dst = append(dst, '\\', 'r')
		default:
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendInteger appends {"$integer":"<base64 LE>"}.
func appendInteger(dst []byte, n int64) []byte {
	return appendBits(append(dst, `{"$integer":"`...), uint64(n))
}

// canonicalNaN is the NaN JavaScript and Rust produce (Go's math.NaN differs).
const canonicalNaN = 0x7FF8000000000000

// appendSpecialFloat appends {"$float":"<base64 LE>"}; every NaN is written
// as the canonical quiet NaN, as the JS client does.
func appendSpecialFloat(dst []byte, f float64) []byte {
	bits := math.Float64bits(f)
	if math.IsNaN(f) {
		bits = canonicalNaN
	}
	return appendBits(append(dst, `{"$float":"`...), bits)
}

func appendBits(dst []byte, u uint64) []byte {
	var b [8]byte
	for i := range b {
		b[i] = byte(u >> (8 * i))
	}
	dst = base64.StdEncoding.AppendEncode(dst, b[:])
	return append(dst, '"', '}')
}

// appendBytes appends {"$bytes":"<base64>"}.
func appendBytes(dst, b []byte) []byte {
	dst = append(dst, `{"$bytes":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"', '}')
}

// appendFloat appends a float64 as a Convex value: a number (printed in the
// ryu or JS style) or a $float object for NaN, ±Inf and -0.
func appendFloat(dst []byte, f float64, ryu bool) []byte {
	if isSpecialFloat(f) {
		return appendSpecialFloat(dst, f)
	}
	if ryu {
		return formatRyu(dst, f)
	}
	return formatJS(dst, f)
}
