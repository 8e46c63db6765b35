package backend

import (
	"bytes"
	"encoding/json"
)

// decodeStructOracle is the first decodeStruct, on encoding/json's
// Decoder: the reference the in-place walk is fuzzed against.
func decodeStructOracle(body []byte, target string, fields []bodyField) (map[string]fieldValue, *bodyError) {
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return nil, &bodyError{syntax: true, msg: serdeSyntax(body, err) + " at " + position(body, syntaxOffset(err, len(body)))}
	}
	d := json.NewDecoder(bytes.NewReader(body))
	tok, _ := d.Token()
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, &bodyError{msg: "invalid type: " + unexpected(tok) + ", expected struct " + target + " at " + position(body, int(d.InputOffset()))}
	}
	got := map[string]fieldValue{}
	for d.More() {
		kt, _ := d.Token()
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return nil, &bodyError{syntax: true, msg: err.Error()}
		}
		end := int(d.InputOffset())
		for _, f := range fields {
			if f.name != key {
				continue
			}
			if _, dup := got[key]; dup {
				return nil, &bodyError{msg: "duplicate field `" + key + "` at " + position(body, end)}
			}
			got[key] = fieldValue{raw: raw, end: end}
		}
	}
	closing := int(d.InputOffset())
	for _, f := range fields {
		v, ok := got[f.name]
		if ok && string(v.raw) == "null" && f.optional {
			delete(got, f.name)
			continue
		}
		if !ok {
			if f.optional {
				continue
			}
			return nil, &bodyError{msg: "missing field `" + f.name + "` at " + position(body, closing+1)}
		}
		if f.isString && v.raw[0] != '"' {
			return nil, &bodyError{msg: "invalid type: " + unexpectedRaw(v.raw) + ", expected a string at " + position(body, v.end)}
		}
	}
	return got, nil
}
