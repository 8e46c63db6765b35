package convexclient

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds array/object nesting (Convex's MAX_NESTING for values).
const maxDepth = 64

// maxFieldNameLen is Convex's limit on object field names.
const maxFieldNameLen = 1024

// scanner holds the JSON parsing primitives shared by the decoder and the
// canonical printer. It never allocates on the fast paths: strings without
// escapes are returned as sub-slices of data.
type scanner struct {
	data    []byte
	pos     int
	depth   int
	scratch []byte // unescaped string contents; reused
}

// Special object kinds.
const (
	specialNone byte = iota
	specialInteger
	specialFloat
	specialBytes
)

func (s *scanner) skipWS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) syntaxErr(what string) error {
	if s.pos >= len(s.data) {
		return valueErr("unexpected end of JSON input, expected " + what)
	}
	return valueErr("invalid JSON at offset " + strconv.Itoa(s.pos) + ": expected " + what)
}

// end checks that only whitespace follows.
func (s *scanner) end() error {
	s.skipWS()
	if s.pos != len(s.data) {
		return s.syntaxErr("end of input")
	}
	return nil
}

// expect consumes byte c after optional whitespace.
func (s *scanner) expect(c byte) error {
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return nil
	}
	return s.syntaxErr("'" + string(c) + "'")
}

// literal consumes the literal word (null/true/false) at pos.
func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos >= len(word) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return nil
	}
	return s.syntaxErr(word)
}

// enter/leave track nesting depth.
func (s *scanner) enter() error {
	s.depth++
	if s.depth > maxDepth {
		return valueErr("value is nested more than " + strconv.Itoa(maxDepth) + " levels deep")
	}
	return nil
}

func (s *scanner) leave() { s.depth-- }

// readString parses the JSON string at pos (which must be '"') and returns
// its contents. The result aliases data or s.scratch and is valid until the
// next readString. Invalid UTF-8 and lone surrogates are rejected.
func (s *scanner) readString() ([]byte, error) {
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return nil, s.syntaxErr("string")
	}
	s.pos++
	start := s.pos
	data := s.data
	for i := start; i < len(data); {
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return data[start:i], nil
		case c == '\\':
			s.scratch = append(s.scratch[:0], data[start:i]...)
			s.pos = i
			return s.readEscaped()
		case c < 0x20:
			s.pos = i
			return nil, valueErr("control character in string at offset " + strconv.Itoa(i))
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				s.pos = i
				return nil, valueErr("invalid UTF-8 in string at offset " + strconv.Itoa(i))
			}
			i += n
		}
	}
	s.pos = len(data)
	return nil, s.syntaxErr("closing '\"'")
}

// readEscaped continues readString from the first backslash at pos,
// unescaping into s.scratch.
func (s *scanner) readEscaped() ([]byte, error) {
	data := s.data
	i := s.pos
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return s.scratch, nil
		case c == '\\':
			if i+1 >= len(data) {
				s.pos = len(data)
				return nil, s.syntaxErr("escape")
			}
			e := data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				s.scratch = append(s.scratch, e)
			case 'b':
				s.scratch = append(s.scratch, '\b')
			case 'f':
				s.scratch = append(s.scratch, '\f')
			case 'n':
				s.scratch = append(s.scratch, '\n')
			case 'r':
				s.scratch = append(s.scratch, '\r')
			case 't':
				s.scratch = append(s.scratch, '\t')
			case 'u':
				r, ok := hex4(data, i)
				if !ok {
					s.pos = i
					return nil, s.syntaxErr("4 hex digits")
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(0), false
					if r < 0xDC00 && i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, ok = hex4(data, i+2)
					}
					dec := utf16.DecodeRune(r, r2)
					if !ok || dec == utf8.RuneError {
						s.pos = i
						return nil, valueErr("lone surrogate in string escape at offset " + strconv.Itoa(i))
					}
					i += 6
					r = dec
				}
				s.scratch = utf8.AppendRune(s.scratch, r)
			default:
				s.pos = i - 1
				return nil, s.syntaxErr("valid escape")
			}
		case c < 0x20:
			s.pos = i
			return nil, valueErr("control character in string at offset " + strconv.Itoa(i))
		case c < utf8.RuneSelf:
			s.scratch = append(s.scratch, c)
			i++
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				s.pos = i
				return nil, valueErr("invalid UTF-8 in string at offset " + strconv.Itoa(i))
			}
			s.scratch = append(s.scratch, data[i:i+n]...)
			i += n
		}
	}
	s.pos = len(data)
	return nil, s.syntaxErr("closing '\"'")
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// readNumber parses a JSON number at pos and returns its float64 value
// (Convex numbers are float64). Out-of-range literals are rejected.
func (s *scanner) readNumber() (float64, error) {
	data := s.data
	start := s.pos
	i := start
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return 0, s.syntaxErr("value")
	}
	simple := true
	exp, frac := -1, 0 // exp ≥ 0 once an exponent is seen; frac is where the fraction digits start
	if i < len(data) && data[i] == '.' {
		simple = false
		i++
		d := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return 0, s.syntaxErr("digit")
		}
		frac = d
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		simple = false
		exp = i
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		d := i
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
		}
		if i == d {
			s.pos = i
			return 0, s.syntaxErr("digit")
		}
	}
	s.pos = i
	lit := data[start:i]
	if len(lit) <= 16 && lit[0] != '-' && (simple || exp < 0) {
		// Up to 15 digits are exact in a float64, and so is 10^k for
		// k ≤ 22: one IEEE division is then correctly rounded, the same
		// float64 ParseFloat returns (Clinger's fast path). The backend
		// prints integral floats as "1767225600000.0".
		var n uint64
		digits := 0
		for _, c := range lit {
			if c != '.' {
				n = n*10 + uint64(c-'0')
				digits++
			}
		}
		if digits <= 15 {
			if simple {
				return float64(n), nil
			}
			return float64(n) / math.Pow10(i-frac), nil
		}
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, valueErr("number " + string(lit) + " is out of range for a float64")
	}
	return f, nil
}
