package backend

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeBody: any body decodes or gives a 400 BadJsonBody, and what is
// accepted carries valid JSON args.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"path":"a:b","args":{}}`, `{"args":[{}],"format":"json"}`,
		`{"queries":[{"path":"a:b","args":{}}]}`, `{"path":"a","args":{},"ts":"AAAAAAAAAAA="}`,
		`{"path":`, `[1]`, `{"queries":5}`, `{"componentPath":null,"path":"a","args":1}`} {
		f.Add([]byte(s), uint8(0))
	}
	endpoints := []string{EndpointQuery, EndpointRun, EndpointFunction, EndpointQueryAtTS, EndpointQueryBatch}
	f.Fuzz(func(t *testing.T, body []byte, e uint8) {
		b, err := DecodeBody(endpoints[int(e)%len(endpoints)], body)
		if err != nil {
			if err.Status != 400 || err.Code != "BadJsonBody" {
				t.Fatalf("%+v", err)
			}
			return
		}
		if b.Args != nil && !json.Valid(b.Args) {
			t.Fatalf("args %q", b.Args)
		}
		for _, q := range b.Queries {
			if !json.Valid(q.Args) {
				t.Fatalf("query args %q", q.Args)
			}
		}
	})
}

// FuzzParsePath: never panics; an accepted path parses again to itself.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"tasks:list", "a/b.js:c", "tasks", "/x:y", "a b:c", "t:a:b", "a//b:f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			_ = BadPathError(s, err).JSON()
			return
		}
		q, err := ParsePath(p.String())
		if err != nil || q != p {
			t.Fatalf("%q → %q → %q (%v)", s, p, q, err)
		}
	})
}
