package devbackend

import (
	"strconv"
	"unicode/utf16"
)

// v8JSONError returns the message of the SyntaxError V8's JSON.parse (Node
// 20) throws for src, or "" when src is valid JSON. Pagination cursors are
// read with JSON.parse in convex-test, so a malformed cursor fails with
// these texts. Positions count UTF-16 code units, as in JavaScript.
func v8JSONError(src string) string {
	p := &v8Parser{s: utf16.Encode([]rune(src))}
	p.ws()
	if p.value() {
		p.ws()
		if p.pos < len(p.s) {
			p.fail("Unexpected non-whitespace character after JSON at position " + strconv.Itoa(p.pos))
		}
	}
	switch src {
	case "NaN", "Infinity", "undefined", "[object Object]":
		if p.msg != "" {
			return `"` + src + `" is not valid JSON`
		}
	}
	return p.msg
}

type v8Parser struct {
	s   []uint16
	pos int
	msg string
}

func (p *v8Parser) fail(msg string) bool {
	if p.msg == "" {
		p.msg = msg
	}
	return false
}

func (p *v8Parser) at(msg string) bool {
	return p.fail(msg + " in JSON at position " + strconv.Itoa(p.pos))
}

// unexpected reports the token at pos (end of input, number, string, or
// another character with context, as V8's ReportUnexpectedToken).
func (p *v8Parser) unexpected() bool {
	if p.pos >= len(p.s) {
		return p.fail("Unexpected end of JSON input")
	}
	c := p.s[p.pos]
	switch {
	case c == '"':
		return p.at("Unexpected string")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.at("Unexpected number")
	}
	tok := string(utf16.Decode(p.s[p.pos : p.pos+1]))
	n, pos := len(p.s), p.pos
	str := func(a, b int) string { return string(utf16.Decode(p.s[a:b])) }
	msg := "Unexpected token '" + tok + "', "
	switch {
	case n < 21:
		msg += `"` + str(0, n) + `"`
	case pos < 10:
		msg += `"` + str(0, pos+10) + `"...`
	case pos >= n-10:
		msg += `..."` + str(pos-10, n) + `"`
	default:
		msg += `..."` + str(pos-10, pos+10) + `"...`
	}
	return p.fail(msg + " is not valid JSON")
}

func (p *v8Parser) ws() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *v8Parser) peek() int {
	if p.pos < len(p.s) {
		return int(p.s[p.pos])
	}
	return -1
}

func (p *v8Parser) value() bool {
	switch c := p.peek(); {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return p.unexpected()
}

func (p *v8Parser) literal(word string) bool {
	for i := 0; i < len(word); i++ {
		if p.peek() != int(word[i]) {
			return p.unexpected()
		}
		p.pos++
	}
	return true
}

func (p *v8Parser) array() bool {
	p.pos++
	p.ws()
	if p.peek() == ']' {
		p.pos++
		return true
	}
	for {
		p.ws()
		if !p.value() {
			return false
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return true
		default:
			return p.at("Expected ',' or ']' after array element")
		}
	}
}

func (p *v8Parser) object() bool {
	p.pos++
	p.ws()
	if p.peek() == '}' {
		p.pos++
		return true
	}
	if p.peek() != '"' {
		return p.at("Expected property name or '}'")
	}
	for {
		if !p.str() {
			return false
		}
		p.ws()
		if p.peek() != ':' {
			return p.at("Expected ':' after property name")
		}
		p.pos++
		p.ws()
		if !p.value() {
			return false
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
			p.ws()
			if p.peek() != '"' {
				return p.at("Expected double-quoted property name")
			}
		case '}':
			p.pos++
			return true
		default:
			return p.at("Expected ',' or '}' after property value")
		}
	}
}

func (p *v8Parser) str() bool {
	p.pos++
	for {
		c := p.peek()
		switch {
		case c < 0:
			return p.at("Unterminated string")
		case c == '"':
			p.pos++
			return true
		case c < 0x20:
			return p.at("Bad control character in string literal")
		case c == '\\':
			p.pos++
			switch p.peek() {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				for i := 1; i <= 4; i++ {
					h := p.pos + i
					if h >= len(p.s) || !isHex(p.s[h]) {
						p.pos = h
						return p.at("Bad Unicode escape")
					}
				}
				p.pos += 5
			default:
				return p.at("Bad escaped character")
			}
		default:
			p.pos++
		}
	}
}

func isHex(c uint16) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func (p *v8Parser) digits() int {
	n := 0
	for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
		p.pos++
		n++
	}
	return n
}

func (p *v8Parser) number() bool {
	if p.peek() == '-' {
		p.pos++
		if c := p.peek(); c < '0' || c > '9' {
			return p.at("No number after minus sign")
		}
	}
	if p.peek() == '0' {
		p.pos++
		if c := p.peek(); c >= '0' && c <= '9' {
			return p.at("Unexpected number")
		}
	} else {
		p.digits()
	}
	if p.peek() == '.' {
		p.pos++
		if p.digits() == 0 {
			return p.at("Unterminated fractional number")
		}
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.pos++
		if c := p.peek(); c == '+' || c == '-' {
			p.pos++
		}
		if p.digits() == 0 {
			return p.at("Exponent part is missing a number")
		}
	}
	return true
}
