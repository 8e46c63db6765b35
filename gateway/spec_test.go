package gateway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFunctionSpecCheckAtStart: with FUNCTION_SPEC_FILE set, a spec that
// lacks a bound function stops a strict gateway (naming the function) and
// only warns otherwise; the deployed spec passes.
func TestFunctionSpecCheckAtStart(t *testing.T) {
	data, err := os.ReadFile("../examples/demo/convex/function-spec.json")
	if err != nil {
		t.Skip("no convex/function-spec.json:", err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	var kept []any
	for _, f := range spec["functions"].([]any) {
		if f.(map[string]any)["identifier"] != "tasks.js:create" {
			kept = append(kept, f)
		}
	}
	spec["functions"] = kept
	broken, _ := json.Marshal(spec)
	brokenFile := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(brokenFile, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file    string
		strict  bool
		wantErr bool
	}{
		{"../examples/demo/convex/function-spec.json", true, false},
		{brokenFile, false, false},
		{brokenFile, true, true},
	} {
		cfg := testConfig("")
		cfg.FunctionSpecFile, cfg.FunctionSpecStrict = tt.file, tt.strict
		g, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = g.Start(t.Context())
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "tasks:create") {
				t.Errorf("%s strict: Start = %v, want an error naming tasks:create", tt.file, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s strict=%v: %v", tt.file, tt.strict, err)
			continue
		}
		_ = g.Shutdown(t.Context())
	}
}
