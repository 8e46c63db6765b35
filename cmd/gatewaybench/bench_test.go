package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchEndToEnd runs the whole command with 1 s phases against the real
// gateway binary: every figure must be measured (pass or miss depends on
// the machine, so it is not asserted), the table printed and the JSON
// written, and the gateway process gone afterwards.
func TestBenchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the gateway for ~30 s")
	}
	out := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-duration", "1s", "-rate", "50", "-concurrency", "4",
		"-call-timeout", "200ms", "-gateway-log-level", "warn", "-soak", "2s", "-out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range r.Figures {
		ids[f.ID] = true
		if !f.Measured {
			t.Errorf("%s not measured: %s", f.ID, f.Err)
		}
	}
	if len(ids) != 5 {
		t.Errorf("figures %v, want P1..P5", ids)
	}
	for _, want := range []string{"P1", "P5", "p1-null-proxy", "results written"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
