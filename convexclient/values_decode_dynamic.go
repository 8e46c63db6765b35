package convexclient

import (
	"encoding/base64"
	"math"
)

// dynamic decodes the value at pos into the dynamic Go form: nil, bool,
// float64, string, int64 ($integer), []byte ($bytes), []any or
// map[string]any.
func (d *decoder) dynamic() (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.syntaxErr("value")
	}
	switch d.data[d.pos] {
	case 'n':
		return nil, d.literal("null")
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case '"':
		s, err := d.readString()
		if err != nil {
			return nil, err
		}
		return string(s), nil
	case '[':
		d.pos++
		if err := d.enter(); err != nil {
			return nil, err
		}
		arr := []any{}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			d.leave()
			return arr, nil
		}
		for {
			d.skipWS()
			x, err := d.dynamic()
			if err != nil {
				return nil, atIndex(err, len(arr))
			}
			arr = append(arr, x)
			d.skipWS()
			if d.pos < len(d.data) && d.data[d.pos] == ',' {
				d.pos++
				continue
			}
			if err := d.expect(']'); err != nil {
				return nil, err
			}
			d.leave()
			return arr, nil
		}
	case '{':
		d.pos++
		if err := d.enter(); err != nil {
			return nil, err
		}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			d.leave()
			return map[string]any{}, nil
		}
		key, err := d.readString()
		if err != nil {
			return nil, err
		}
		if len(key) > 0 && key[0] == '$' {
			sp, err := d.readSpecial(key)
			if err != nil {
				return nil, err
			}
			d.leave()
			return sp.dynamic()
		}
		if err := checkFieldName(key); err != nil {
			return nil, err
		}
		m := make(map[string]any)
		if err := d.dynamicEntries(m, key); err != nil {
			return nil, err
		}
		d.leave()
		return m, nil
	}
	return d.readNumber()
}

// dynamic converts a validated special object to its Go value.
func (sp special) dynamic() (any, error) {
	switch sp.kind {
	case specialInteger:
		return int64(sp.bits), nil
	case specialFloat:
		return math.Float64frombits(sp.bits), nil
	}
	b := make([]byte, decodedLen(sp.payload))
	if _, err := base64.StdEncoding.Decode(b, sp.payload); err != nil {
		return nil, valueErr("$bytes is not valid base64")
	}
	return b, nil
}

// skip validates and skips the value at pos.
func (d *decoder) skip() error {
	if d.pos >= len(d.data) {
		return d.syntaxErr("value")
	}
	switch d.data[d.pos] {
	case 'n':
		return d.literal("null")
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case '"':
		_, err := d.readString()
		return err
	case '[':
		d.pos++
		if err := d.enter(); err != nil {
			return err
		}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			d.leave()
			return nil
		}
		for i := 0; ; i++ {
			d.skipWS()
			if err := d.skip(); err != nil {
				return atIndex(err, i)
			}
			d.skipWS()
			if d.pos < len(d.data) && d.data[d.pos] == ',' {
				d.pos++
				continue
			}
			if err := d.expect(']'); err != nil {
				return err
			}
			d.leave()
			return nil
		}
	case '{':
		d.pos++
		if err := d.enter(); err != nil {
			return err
		}
		d.skipWS()
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			d.leave()
			return nil
		}
		key, err := d.readString()
		if err != nil {
			return err
		}
		if len(key) > 0 && key[0] == '$' {
			_, err := d.readSpecial(key)
			if err == nil {
				d.leave()
			}
			return err
		}
		for {
			if err := checkFieldName(key); err != nil {
				return err
			}
			name := string(key)
			if err := d.expect(':'); err != nil {
				return err
			}
			d.skipWS()
			if err := d.skip(); err != nil {
				return atKey(err, name)
			}
			more, err := d.objectNext()
			if err != nil {
				return err
			}
			if !more {
				d.leave()
				return nil
			}
			d.skipWS()
			if key, err = d.readString(); err != nil {
				return err
			}
		}
	}
	_, err := d.readNumber()
	return err
}
