package convexclient

import (
	"math"
	"strconv"
)

// AppendCleanJSON appends the Convex-encoded JSON value data converted to
// the backend's lossy "json" export format (what the HTTP API returns when
// "format" is "json" or absent): int64 becomes a decimal string, bytes a
// base64 string, NaN/±Infinity the strings "NaN", "Infinity", "-Infinity",
// -0 the number -0.0; everything else is printed canonically. Errors match
// ErrInvalidValue and leave dst unchanged.
func AppendCleanJSON(dst, data []byte) ([]byte, error) {
	return appendMode(dst, data, modeClean)
}

// AppendExportJSON appends data converted to the backend's "export_json"
// format: int64 becomes a bare JSON integer, -0 the number -0.0, NaN/±Inf
// and bytes keep their special objects.
func AppendExportJSON(dst, data []byte) ([]byte, error) {
	return appendMode(dst, data, modeExport)
}

func appendMode(dst, data []byte, mode printMode) ([]byte, error) {
	p := printer{scanner: scanner{data: data}, out: dst, mode: mode}
	if err := p.run(); err != nil {
		return dst, err
	}
	return p.out, nil
}

// appendSpecial prints a validated special object in the printer's mode.
func (p *printer) appendSpecial(sp special) {
	switch {
	case p.mode <= modeRyu:
	case sp.kind == specialInteger:
		if p.mode == modeClean {
			p.out = append(p.out, '"')
			p.out = strconv.AppendInt(p.out, int64(sp.bits), 10)
			p.out = append(p.out, '"')
		} else {
			p.out = strconv.AppendInt(p.out, int64(sp.bits), 10)
		}
		return
	case sp.kind == specialFloat:
		f := math.Float64frombits(sp.bits)
		switch {
		case f == 0:
			p.out = append(p.out, "-0.0"...)
			return
		case p.mode == modeExport:
		case math.IsNaN(f):
			p.out = append(p.out, `"NaN"`...)
			return
		case f > 0:
			p.out = append(p.out, `"Infinity"`...)
			return
		default:
			p.out = append(p.out, `"-Infinity"`...)
			return
		}
	case p.mode == modeClean: // bytes
		p.out = append(p.out, '"')
		p.out = append(p.out, sp.payload...)
		p.out = append(p.out, '"')
		return
	}
	p.out = append(p.out, specialPrefix[sp.kind]...)
	p.out = append(p.out, sp.payload...)
	p.out = append(p.out, '"', '}')
}
