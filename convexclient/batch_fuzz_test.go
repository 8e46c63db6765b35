package convexclient

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParseBatchResponse: the batch response parser never panics, agrees
// with encoding/json on the results of valid JSON, and only accepts
// function responses.
func FuzzParseBatchResponse(f *testing.F) {
	for _, s := range []string{
		`{"results":[]}`,
		`{"results":[{"status":"success","value":1.0}]}`,
		`{"results":[{"status":"success","value":{"$integer":"AQAAAAAAAAA="},"logLines":["[LOG] 'a'"]},{"status":"error","errorMessage":"x","errorData":{"a":[1,"]"]}}]}`,
		` { "other" : [1,{"results":2}] , "results" : [ {"status":"success","value":"}"} ] } `,
		`{"results":[{"status":"error"}]}`,
		`{"results":{}}`,
		`{"results":[1,]}`,
		`{"results":[],"results":[]}`,
		`[]`, `{`, ``, `{"results":["\"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := batchResults(body)
		var top map[string]json.RawMessage // exact keys, unlike a struct
		var results []json.RawMessage
		refOK := json.Unmarshal(body, &top) == nil && top["results"] != nil && json.Unmarshal(top["results"], &results) == nil && results != nil
		if err == nil {
			for _, r := range raw {
				if len(r) == 0 {
					t.Fatalf("%q: empty result", body)
				}
			}
		}
		if refOK && countKey(body) == 1 {
			if err != nil {
				t.Fatalf("%q: valid batch refused: %v", body, err)
			}
			if len(raw) != len(results) {
				t.Fatalf("%q: %d results, encoding/json %d", body, len(raw), len(results))
			}
			for i := range raw {
				var a, b bytes.Buffer
				if json.Compact(&a, raw[i]) != nil || json.Compact(&b, results[i]) != nil || a.String() != b.String() {
					t.Fatalf("%q: result %d is %q, encoding/json %q", body, i, raw[i], results[i])
				}
			}
		}
		if rs, err := parseBatchResponse(body, len(raw)); err == nil {
			for _, r := range rs {
				if !r.success && r.errorMessage == nil {
					t.Fatalf("%q: error result without a message accepted", body)
				}
			}
		}
	})
}

// countKey counts top-level "results" keys (encoding/json takes the last
// of duplicates; the parser refuses them).
func countKey(body []byte) int {
	d := json.NewDecoder(bytes.NewReader(body))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	n := 0
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return 0
		}
		if k == "results" {
			n++
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return 0
		}
	}
	return n
}
