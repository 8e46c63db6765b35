package convextest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleCassette = `{
  "scenario": "sample",
  "description": "two calls",
  "interactions": [
    {
      "request": {
        "endpoint": "/api/query",
        "path": "tasks.js:list",
        "args": {"status": "pending", "a": 1},
        "auth": "acting",
        "subject": "0000000000000000000000010002users",
        "requestId": "rec-sample-1"
      },
      "response": {
        "status": 200,
        "body": "{\"status\":\"success\",\"value\":[]}"
      }
    },
    {
      "request": {
        "endpoint": "/api/mutation",
        "path": "tasks:create",
        "args": [{"title": "<b>&", "priority": "high"}],
        "auth": "none"
      },
      "response": {
        "status": 200,
        "body": "{\"status\":\"error\",\"errorMessage\":\"[Request ID: rec-sample-2] Server Error\\nUncaught ConvexError: {\\\"code\\\":\\\"UNAUTHENTICATED\\\"}\\n\",\"errorData\":{\"code\":\"UNAUTHENTICATED\"}}"
      }
    }
  ]
}
`

func TestParseCassetteCanonicalises(t *testing.T) {
	c, err := ParseCassette([]byte(sampleCassette))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Interactions[0].Request.Path; got != "tasks:list" {
		t.Errorf("path = %q, want tasks:list", got)
	}
	if got := string(c.Interactions[0].Request.Args); got != `{"a":1.0,"status":"pending"}` {
		t.Errorf("args = %s", got)
	}
	if got := string(c.Interactions[1].Request.Args); got != `{"priority":"high","title":"<b>&"}` {
		t.Errorf("legacy array args = %s", got)
	}
}

func TestCassetteRoundTrip(t *testing.T) {
	c, err := ParseCassette([]byte(sampleCassette))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	name, err := c.WriteFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(name) != "sample.json" {
		t.Errorf("file name %s", name)
	}
	first, _ := os.ReadFile(name)
	if !bytes.Contains(first, []byte(`"title": "<b>&"`)) {
		t.Errorf("HTML escaped or not indented:\n%s", first)
	}
	if !bytes.HasSuffix(first, []byte("}\n")) || !bytes.Contains(first, []byte("\n  \"interactions\": [\n")) {
		t.Errorf("not 2-space pretty-printed:\n%s", first)
	}
	back, err := LoadCassette(name)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("re-encoding differs:\n%s\n---\n%s", first, again)
	}
	if back.Interactions[1].Response.Body != c.Interactions[1].Response.Body {
		t.Errorf("body bytes changed")
	}
	all, err := LoadCassettes(dir)
	if err != nil || len(all) != 1 || all[0].Scenario != "sample" {
		t.Fatalf("LoadCassettes = %v, %v", all, err)
	}
}

func TestParseCassetteRejects(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not json", `{`},
		{"no scenario", `{"interactions":[]}`},
		{"unknown field", `{"scenario":"x","extra":1}`},
		{"bad endpoint", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/x","path":"a:b","args":{},"auth":"none"},"response":{"status":200,"body":""}}]}`},
		{"bad auth", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","args":{},"auth":"root"},"response":{"status":200,"body":""}}]}`},
		{"admin with subject", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","args":{},"auth":"admin","subject":"s"},"response":{"status":200,"body":""}}]}`},
		{"args not object", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","args":5,"auth":"none"},"response":{"status":200,"body":""}}]}`},
		{"missing args", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","auth":"none"},"response":{"status":200,"body":""}}]}`},
		{"bad status", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","args":{},"auth":"none"},"response":{"status":0,"body":""}}]}`},
		{"bad value", `{"scenario":"x","interactions":[{"request":{"endpoint":"/api/query","path":"a:b","args":{"$x":1},"auth":"none"},"response":{"status":200,"body":""}}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCassette([]byte(tc.in))
			if !errors.Is(err, ErrInvalidCassette) {
				t.Fatalf("err = %v, want ErrInvalidCassette", err)
			}
		})
	}
}

func TestLoadCassetteNamesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(p, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadCassettes(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Fatalf("err = %v, want it to name the file", err)
	}
}

func FuzzParseCassette(f *testing.F) {
	f.Add([]byte(sampleCassette))
	f.Add([]byte(`{"scenario":"x","interactions":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCassette(data)
		if err != nil {
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ParseCassette(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, _ := c2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}
