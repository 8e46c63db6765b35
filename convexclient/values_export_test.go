package convexclient

import (
	"encoding/json"
	"os"
	"testing"
)

func TestAppendCleanJSONVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Valid != nil && !*v.Valid {
			continue
		}
		got, err := AppendCleanJSON(nil, []byte(v.BackendText))
		if err != nil {
			t.Fatalf("%s: %v", v.Description, err)
		}
		want := cleanVectors(t)[v.Description]
		if string(got) != want {
			t.Errorf("%s: AppendCleanJSON = %s, want %s", v.Description, got, want)
		}
	}
}

func cleanVectors(t *testing.T) map[string]string {
	t.Helper()
	var vs []struct {
		Description string `json:"description"`
		Clean       string `json:"backend_text_json_format"`
	}
	if err := json.Unmarshal(mustRead(t, "testdata/convex-value-vectors.json"), &vs); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, v := range vs {
		m[v.Description] = v.Clean
	}
	return m
}

func TestAppendExportJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":{"$integer":"//////////8="},"b":{"$float":"AAAAAAAAAIA="},"c":{"$float":"AAAAAAAA+H8="},"d":{"$bytes":"AQID"},"e":2}`,
			`{"a":-1,"b":-0.0,"c":{"$float":"AAAAAAAA+H8="},"d":{"$bytes":"AQID"},"e":2.0}`},
	}
	for _, tt := range tests {
		got, err := AppendExportJSON(nil, []byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("AppendExportJSON(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := AppendCleanJSON(nil, []byte(`{"$set":[]}`)); err == nil {
		t.Error("invalid input accepted")
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
