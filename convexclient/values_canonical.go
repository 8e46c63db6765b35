package convexclient

import (
	"math"
	"slices"
)

// printer re-prints Convex-encoded JSON in canonical form: compact, keys
// sorted bytewise (last duplicate wins), numbers in the ryu (backend) or JS
// (client) style. It validates everything the decoder validates.
type printer struct {
	scanner
	out  []byte
	mode printMode
	ents []entry // stack of object members being printed
	tmp  []byte
}

// printMode selects the output dialect of a printer.
type printMode uint8

const (
	modeJS     printMode = iota // JSON.stringify numbers (Marshal)
	modeRyu                     // backend convex_encoded_json text
	modeClean                   // backend "json" export (lossy)
	modeExport                  // backend "export_json"
)

// specialPrefix is the canonical opening of each special object kind.
var specialPrefix = [...]string{
	specialInteger: `{"$integer":"`,
	specialFloat:   `{"$float":"`,
	specialBytes:   `{"$bytes":"`,
}

// entry locates one printed object member in out: the quoted key starts at
// key, the value spans [val, end).
type entry struct{ key, val, end int }

func (p *printer) run() error {
	p.skipWS()
	if err := p.value(); err != nil {
		return err
	}
	return p.end()
}

func (p *printer) value() error {
	if p.pos >= len(p.data) {
		return p.syntaxErr("value")
	}
	switch p.data[p.pos] {
	case 'n':
		p.out = append(p.out, "null"...)
		return p.literal("null")
	case 't':
		p.out = append(p.out, "true"...)
		return p.literal("true")
	case 'f':
		p.out = append(p.out, "false"...)
		return p.literal("false")
	case '"':
		s, err := p.readString()
		if err != nil {
			return err
		}
		p.out = appendQuoted(p.out, s)
		return nil
	case '[':
		return p.array()
	case '{':
		return p.object()
	}
	f, err := p.readNumber()
	if err != nil {
		return err
	}
	if p.mode >= modeClean && f == 0 && math.Signbit(f) {
		p.out = append(p.out, "-0.0"...)
		return nil
	}
	p.out = appendFloat(p.out, f, p.mode != modeJS)
	return nil
}

func (p *printer) array() error {
	p.pos++
	if err := p.enter(); err != nil {
		return err
	}
	p.out = append(p.out, '[')
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
	} else {
		for i := 0; ; i++ {
			p.skipWS()
			if err := p.value(); err != nil {
				return atIndex(err, i)
			}
			p.skipWS()
			if p.pos < len(p.data) && p.data[p.pos] == ',' {
				p.pos++
				p.out = append(p.out, ',')
				continue
			}
			if err := p.expect(']'); err != nil {
				return err
			}
			break
		}
	}
	p.out = append(p.out, ']')
	p.leave()
	return nil
}

func (p *printer) object() error {
	p.pos++
	if err := p.enter(); err != nil {
		return err
	}
	p.skipWS()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.out = append(p.out, '{', '}')
		p.leave()
		return nil
	}
	key, err := p.readString()
	if err != nil {
		return err
	}
	if len(key) > 0 && key[0] == '$' {
		sp, err := p.readSpecial(key)
		if err != nil {
			return err
		}
		p.appendSpecial(sp)
		p.leave()
		return nil
	}
	start := len(p.out)
	p.out = append(p.out, '{')
	base := len(p.ents)
	for {
		if err := checkFieldName(key); err != nil {
			return err
		}
		ks := len(p.out)
		p.out = appendQuoted(p.out, key)
		p.out = append(p.out, ':')
		vs := len(p.out)
		if err := p.expect(':'); err != nil {
			return err
		}
		p.skipWS()
		if err := p.value(); err != nil {
			return atKey(err, string(unquoteKey(p.out[ks:vs-1])))
		}
		p.ents = append(p.ents, entry{ks, vs, len(p.out)})
		p.skipWS()
		if p.pos < len(p.data) && p.data[p.pos] == ',' {
			p.pos++
			p.out = append(p.out, ',')
			p.skipWS()
			if key, err = p.readString(); err != nil {
				return err
			}
			continue
		}
		if err := p.expect('}'); err != nil {
			return err
		}
		break
	}
	p.out = append(p.out, '}')
	p.sortMembers(start, p.ents[base:])
	p.ents = p.ents[:base]
	p.leave()
	return nil
}

// sortMembers reorders the object printed at out[start:] so that its keys
// are sorted bytewise and unique (the last occurrence wins).
func (p *printer) sortMembers(start int, es []entry) {
	out := p.out
	sorted := true
	for i := 1; i < len(es); i++ {
		if cmpQuoted(out[es[i-1].key:es[i-1].val-1], out[es[i].key:es[i].val-1]) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		return cmpQuoted(out[a.key:a.val-1], out[b.key:b.val-1])
	})
	p.tmp = append(p.tmp[:0], out[start:]...)
	out = append(out[:start], '{')
	first := true
	for i, e := range es {
		if i+1 < len(es) && cmpQuoted(p.tmp[e.key-start:e.val-1-start], p.tmp[es[i+1].key-start:es[i+1].val-1-start]) == 0 {
			continue // a later duplicate wins
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, p.tmp[e.key-start:e.end-start]...)
	}
	p.out = append(out, '}')
}

// cmpQuoted compares two quoted, escaped field names by their unescaped
// bytes. Field names are printable ASCII, so the only escapes are \" and \\.
func cmpQuoted(a, b []byte) int {
	i, j := 1, 1
	for {
		ea, eb := a[i] == '"', b[j] == '"'
		if ea || eb {
			switch {
			case ea && eb:
				return 0
			case ea:
				return -1
			}
			return 1
		}
		ca, cb := a[i], b[j]
		if ca == '\\' {
			i++
			ca = a[i]
		}
		if cb == '\\' {
			j++
			cb = b[j]
		}
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
		i++
		j++
	}
}

// unquoteKey reverses appendQuoted for a field name (for error paths).
func unquoteKey(q []byte) []byte {
	out := make([]byte, 0, len(q))
	for i := 1; i < len(q)-1; i++ {
		if q[i] == '\\' {
			i++
		}
		out = append(out, q[i])
	}
	return out
}
