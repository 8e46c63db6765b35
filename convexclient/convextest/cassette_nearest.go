package convextest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Miss describes a request that no recording answered.
type Miss struct {
	// Request is the request as matched (canonical path and args).
	Request CassetteRequest
	// Exhausted is how many recordings of exactly this request exist, all
	// already replayed; 0 means the request was never recorded.
	Exhausted int
	// Nearest is the most similar recording, nil when there are none.
	Nearest *Nearest
}

// Nearest is the recording most similar to a missed request: the same path
// with the smallest args difference, or else the closest path.
type Nearest struct {
	Cassette string          // scenario name
	Index    int             // interaction index in the cassette
	Request  CassetteRequest // the recorded request
	Diff     []string        // how the missed request differs from it
}

// String names the request and the nearest recording, for test failures and logs.
func (m Miss) String() string {
	var b strings.Builder
	if m.Exhausted > 0 {
		fmt.Fprintf(&b, "request replayed more often than recorded (%d recording(s), all used): %s", m.Exhausted, m.Request)
	} else {
		fmt.Fprintf(&b, "unrecorded request: %s", m.Request)
	}
	if n := m.Nearest; n != nil {
		fmt.Fprintf(&b, "; nearest recording: %s #%d: %s", n.Cassette, n.Index, n.Request)
		if len(n.Diff) > 0 {
			d := n.Diff
			if len(d) > 6 {
				d = append(d[:6:6], fmt.Sprintf("... %d more", len(n.Diff)-6))
			}
			fmt.Fprintf(&b, " (differs: %s)", strings.Join(d, "; "))
		}
	} else {
		b.WriteString("; no recordings loaded")
	}
	return b.String()
}

// nearest finds the closest recording to creq; r.mu is held.
func (r *Replayer) nearest(creq CassetteRequest) *Nearest {
	var best *Nearest
	bestScore := -1
	for _, e := range r.all {
		q := e.it.Request
		diff := requestDiff(q, creq)
		score := len(diff)
		if q.Path != creq.Path {
			score += 1000 + editDistance(q.Path, creq.Path)*10
		}
		if q.Endpoint != creq.Endpoint {
			score += 100
		}
		if !e.used {
			score *= 2 // prefer an unused recording only on a tie-break basis
			score--
		}
		if bestScore < 0 || score < bestScore {
			bestScore = score
			best = &Nearest{Cassette: e.cassette, Index: e.index, Request: q, Diff: diff}
		}
	}
	return best
}

// requestDiff lists how got differs from the recorded request rec.
func requestDiff(rec, got CassetteRequest) []string {
	var d []string
	if rec.Endpoint != got.Endpoint {
		d = append(d, fmt.Sprintf("endpoint: recorded %s, got %s", rec.Endpoint, got.Endpoint))
	}
	if rec.Path != got.Path {
		d = append(d, fmt.Sprintf("path: recorded %s, got %s", rec.Path, got.Path))
	}
	if rec.Auth != got.Auth {
		d = append(d, fmt.Sprintf("auth: recorded %s, got %s", rec.Auth, got.Auth))
	}
	if rec.Subject != got.Subject {
		d = append(d, fmt.Sprintf("subject: recorded %q, got %q", rec.Subject, got.Subject))
	}
	return append(d, argsDiff(rec.Args, got.Args)...)
}

// argsDiff compares two canonical args objects leaf by leaf.
func argsDiff(rec, got []byte) []string {
	if bytes.Equal(rec, got) {
		return nil
	}
	a, errA := decodeLoose(rec)
	b, errB := decodeLoose(got)
	if errA != nil || errB != nil {
		return []string{fmt.Sprintf("args: recorded %s, got %s", rec, got)}
	}
	var out []string
	valueDiff("args", a, b, &out)
	return out
}

func decodeLoose(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func valueDiff(at string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := make([]string, 0, len(am)+len(bm))
		for k := range am {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			av, ain := am[k]
			bv, bin := bm[k]
			switch {
			case !bin:
				*out = append(*out, fmt.Sprintf("%s.%s: missing (recorded %s)", at, k, short(av)))
			case !ain:
				*out = append(*out, fmt.Sprintf("%s.%s: not recorded (got %s)", at, k, short(bv)))
			default:
				valueDiff(at+"."+k, av, bv, out)
			}
		}
		return
	}
	as, aok := a.([]any)
	bs, bok := b.([]any)
	if aok && bok && len(as) == len(bs) {
		for i := range as {
			valueDiff(fmt.Sprintf("%s[%d]", at, i), as[i], bs[i], out)
		}
		return
	}
	if sa, sb := short(a), short(b); sa != sb {
		*out = append(*out, fmt.Sprintf("%s: recorded %s, got %s", at, sa, sb))
	}
}

func short(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
