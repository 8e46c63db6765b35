package devbackend

import (
	"strings"
	"testing"
)

// Expected messages were taken from Node 20's JSON.parse.
func TestV8JSONError(t *testing.T) {
	tests := map[string]string{
		`garbage`:               `Unexpected token 'g', "garbage" is not valid JSON`,
		`[1`:                    `Expected ',' or ']' after array element in JSON at position 2`,
		`[1,`:                   `Unexpected end of JSON input`,
		`[`:                     `Unexpected end of JSON input`,
		``:                      `Unexpected end of JSON input`,
		`  `:                    `Unexpected end of JSON input`,
		`[1 2]`:                 `Expected ',' or ']' after array element in JSON at position 3`,
		`{a}`:                   `Expected property name or '}' in JSON at position 1`,
		`{"a" 1}`:               `Expected ':' after property name in JSON at position 5`,
		`{"a":1 "b"}`:           `Expected ',' or '}' after property value in JSON at position 7`,
		`-`:                     `No number after minus sign in JSON at position 1`,
		`1.`:                    `Unterminated fractional number in JSON at position 2`,
		`1e`:                    `Exponent part is missing a number in JSON at position 2`,
		`"abc`:                  `Unterminated string in JSON at position 4`,
		"\"a\x01\"":             `Bad control character in string literal in JSON at position 2`,
		`"\x"`:                  `Bad escaped character in JSON at position 2`,
		`"\u12g4"`:              `Bad Unicode escape in JSON at position 5`,
		`[1]x`:                  `Unexpected non-whitespace character after JSON at position 3`,
		`[1,]`:                  `Unexpected token ']', "[1,]" is not valid JSON`,
		`undefined`:             `"undefined" is not valid JSON`,
		`NaN`:                   `"NaN" is not valid JSON`,
		`[object Object]`:       `"[object Object]" is not valid JSON`,
		strings.Repeat("x", 30): `Unexpected token 'x', "xxxxxxxxxx"... is not valid JSON`,
		`[1,2,3,4,5,6,7,8,9,10,11,12,x,13,14,15,16,17,18]`: `Unexpected token 'x', ...",10,11,12,x,13,14,15"... is not valid JSON`,
		`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,x]`: `Unexpected token 'x', ...",16,17,18,x]" is not valid JSON`,
		`[x,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]`: `Unexpected token 'x', "[x,1,2,3,4,"... is not valid JSON`,
		`tru`:      `Unexpected end of JSON input`,
		`nul`:      `Unexpected end of JSON input`,
		`["é" x]`:  `Expected ',' or ']' after array element in JSON at position 5`,
		`"1" 2`:    `Unexpected non-whitespace character after JSON at position 4`,
		`01`:       `Unexpected number in JSON at position 1`,
		`[-]`:      `No number after minus sign in JSON at position 2`,
		`{"a":}`:   `Unexpected token '}', "{"a":}" is not valid JSON`,
		`{,}`:      `Expected property name or '}' in JSON at position 1`,
		`["a",]`:   `Unexpected token ']', "["a",]" is not valid JSON`,
		`{"a":1,}`: `Expected double-quoted property name in JSON at position 7`,
		`1 2`:      `Unexpected non-whitespace character after JSON at position 2`,
		`[1,{"a":[true,null,-0.5e+3]},"\u00e9\n"]`: ``,
		` {} `: ``,
	}
	for in, want := range tests {
		if got := v8JSONError(in); got != want {
			t.Errorf("v8JSONError(%q)\n got %s\nwant %s", in, got, want)
		}
	}
}
