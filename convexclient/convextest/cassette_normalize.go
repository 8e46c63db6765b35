package convextest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// NormalizeMode says how a recording makes upstream values stable.
type NormalizeMode uint8

const (
	// NormalizeOff keeps bodies byte for byte: the upstream's ids, times
	// and cursors are already deterministic (the local runner after
	// /__reset). Only a request id other than the one sent is replaced.
	NormalizeOff NormalizeMode = iota
	// NormalizeMap maps values a real deployment makes up to stable
	// placeholders, in order of first appearance: Convex ids (anywhere,
	// also inside error messages and log lines), "_creationTime" and "*At"
	// numbers at or after the recording start, and pagination cursors.
	// Requests carrying placeholders are mapped back before forwarding.
	NormalizeMap
)

// placeholderTimeBase is the first placeholder time (2026-01-01T00:00:00Z);
// the n-th distinct time maps to base + n seconds.
const placeholderTimeBase = 1767225600000

var (
	// realIDRe matches a real Convex document id: Crockford base32, lowercase.
	realIDRe     = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{31,37}$`)
	realIDInText = regexp.MustCompile(`\b[0-9a-hjkmnp-tv-z]{31,37}\b`)
	// convexTestIDRe matches ids convex-test generates (a zero-padded
	// counter from 10000, then the table name), which are stable already.
	convexTestIDRe = regexp.MustCompile(`^0+[1-9][0-9]{4,}[A-Za-z_]+$`)
)

// Normalizer makes one recording stream stable. It is not safe for
// concurrent use; the Recorder serialises calls.
type Normalizer struct {
	mode       NormalizeMode
	since      float64
	ids        map[string]string
	idsRev     map[string]string
	times      map[float64]float64
	timesRev   map[float64]float64
	cursors    map[string]string
	cursorsRev map[string]string
}

// NewNormalizer returns a Normalizer. In NormalizeMap mode, "*At" times
// before since are kept (seed data, times the scenario chose) and
// "_creationTime" values are always mapped.
func NewNormalizer(mode NormalizeMode, since time.Time) *Normalizer {
	return &Normalizer{
		mode: mode, since: float64(since.UnixMilli()),
		ids: map[string]string{}, idsRev: map[string]string{},
		times: map[float64]float64{}, timesRev: map[float64]float64{},
		cursors: map[string]string{}, cursorsRev: map[string]string{},
	}
}

// Response rewrites an upstream response body into the stable form. rid is
// the request id sent upstream; "[Request ID: ...]" in an error message is
// set to it.
func (n *Normalizer) Response(body []byte, rid string) ([]byte, error) {
	if n.mode == NormalizeOff {
		if rid != "" {
			body = []byte(replaceRequestID(string(body), rid))
		}
		return body, nil
	}
	fields, err := orderedObject(body)
	if err != nil {
		return body, nil //nolint:nilerr // not a JSON object: keep as received
	}
	var out bytes.Buffer
	out.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			out.WriteByte(',')
		}
		kb, _ := json.Marshal(f.key)
		out.Write(kb)
		out.WriteByte(':')
		v := f.value
		switch f.key {
		case "value", "errorData":
			v, err = n.rewrite(v, n.forward)
		case "errorMessage", "message":
			v, err = n.rewriteText(v, rid)
		case "logLines":
			v, err = n.rewriteText(v, "")
		}
		if err != nil {
			return nil, err
		}
		out.Write(v)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// Upstream maps canonical args from the stable form back to the upstream's
// values (placeholders the upstream handed out are replaced by the originals).
func (n *Normalizer) Upstream(args []byte) ([]byte, error) {
	if n.mode == NormalizeOff {
		return args, nil
	}
	return n.rewrite(args, n.backward)
}

// UpstreamString maps one string (an identity subject) back to the upstream's value.
func (n *Normalizer) UpstreamString(s string) string {
	if r, ok := n.idsRev[s]; ok {
		return r
	}
	return s
}

// StableString maps one upstream string (an id) to its stable form.
func (n *Normalizer) StableString(s string) string {
	if n.mode == NormalizeOff {
		return s
	}
	if v, ok := n.forward("", s).(string); ok {
		return v
	}
	return s
}

type walkFunc func(key string, v any) any

func (n *Normalizer) rewrite(raw []byte, f walkFunc) ([]byte, error) {
	v, err := decodeLoose(raw)
	if err != nil {
		return nil, fmt.Errorf("convextest: normalise: %w", err)
	}
	v = walk("", v, f)
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("convextest: normalise: %w", err)
	}
	return convexclient.AppendCanonical(nil, b)
}

func walk(key string, v any, f walkFunc) any {
	switch t := v.(type) {
	case map[string]any:
		// Sorted keys: the canonical order, so placeholders are handed out
		// in order of appearance in the body.
		for _, k := range slices.Sorted(maps.Keys(t)) {
			t[k] = walk(k, t[k], f)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = walk(key, e, f)
		}
		return t
	}
	return f(key, v)
}

func isTimeKey(k string) bool { return k == "_creationTime" || strings.HasSuffix(k, "At") }

func (n *Normalizer) forward(key string, v any) any {
	switch t := v.(type) {
	case string:
		if key == "continueCursor" || key == "splitCursor" || key == "cursor" {
			return mapString(n.cursors, n.cursorsRev, t, "cursor-%06d")
		}
		if realIDRe.MatchString(t) && !convexTestIDRe.MatchString(t) {
			return mapString(n.ids, n.idsRev, t, "%030did")
		}
	case json.Number:
		f, err := t.Float64()
		if err != nil || !isTimeKey(key) || (key != "_creationTime" && f < n.since) {
			return v
		}
		if _, isPlaceholder := n.timesRev[f]; isPlaceholder {
			return v
		}
		p, ok := n.times[f]
		if !ok {
			p = placeholderTimeBase + 1000*float64(len(n.times)+1)
			n.times[f], n.timesRev[p] = p, f
		}
		return json.Number(strconv.FormatFloat(p, 'f', -1, 64))
	}
	return v
}

func (n *Normalizer) backward(_ string, v any) any {
	switch t := v.(type) {
	case string:
		if r, ok := n.idsRev[t]; ok {
			return r
		}
		if r, ok := n.cursorsRev[t]; ok {
			return r
		}
	case json.Number:
		if f, err := t.Float64(); err == nil {
			if r, ok := n.timesRev[f]; ok {
				return json.Number(strconv.FormatFloat(r, 'f', -1, 64))
			}
		}
	}
	return v
}

// mapString returns the placeholder of s, making a new one (format with
// the 1-based count) on first sight; placeholders themselves are kept.
func mapString(fwd, rev map[string]string, s, format string) string {
	if _, ok := rev[s]; ok {
		return s
	}
	if p, ok := fwd[s]; ok {
		return p
	}
	p := fmt.Sprintf(format, len(fwd)+1)
	fwd[s], rev[p] = p, s
	return p
}

// rewriteText maps ids inside a JSON string (or array of strings) and sets
// the request id.
func (n *Normalizer) rewriteText(raw []byte, rid string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw, nil //nolint:nilerr // keep what cannot be parsed
	}
	fix := func(s string) string {
		s = realIDInText.ReplaceAllStringFunc(s, func(id string) string {
			if convexTestIDRe.MatchString(id) {
				return id
			}
			return mapString(n.ids, n.idsRev, id, "%030did")
		})
		if rid != "" {
			s = replaceRequestID(s, rid)
		}
		return s
	}
	switch t := v.(type) {
	case string:
		v = fix(t)
	case []any:
		for i, e := range t {
			if s, ok := e.(string); ok {
				t[i] = fix(s)
			}
		}
	default:
		return raw, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return convexclient.AppendCanonical(nil, b)
}

type objectField struct {
	key   string
	value json.RawMessage
}

// orderedObject splits a JSON object into its fields in document order.
func orderedObject(body []byte) ([]objectField, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object")
	}
	var out []objectField
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := kt.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, objectField{k, v})
	}
	return out, nil
}
