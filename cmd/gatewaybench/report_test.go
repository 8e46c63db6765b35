package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReportTableAndJSON(t *testing.T) {
	r := newReport("admin", 5*time.Second, 32, 200)
	r.Figures = []figure{
		{ID: "P1", Name: "proxied/direct throughput", Value: 0.82, Unit: "×", Target: "≥ 0.70", Measured: true, Pass: true, Detail: "a"},
		{ID: "P5", Name: "peak RSS", Value: 51.2, Unit: "MiB", Target: "≤ 40 MiB", Measured: true, Pass: false},
		failed("P4", "fail-fast p99", "< 1 ms", errors.New("breaker never opened")),
	}
	s := &sample{name: "p1-direct", workers: 32, span: time.Second}
	s.add(hit{code: 200, latency: time.Millisecond}, "")
	s.add(hit{code: 0, latency: time.Millisecond}, "refused")
	r.addPhase(s)
	r.addPhase(nil)

	var buf bytes.Buffer
	r.printTable(&buf)
	out := buf.String()
	for _, want := range []string{"P1", "0.82 ×", "PASS", "MISS", "n/a", "not measured: breaker never opened",
		"p1-direct", "0×1 200×1", "identity=admin"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if r.allPass() {
		t.Error("allPass with a MISS")
	}

	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.writeJSON(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var back report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Figures) != 3 || back.Figures[2].Err == "" || back.Phases[0].Codes["200"] != 1 || back.Phases[0].Errors["refused"] != 1 {
		t.Errorf("round trip lost data: %+v", back)
	}
}

func TestAllPass(t *testing.T) {
	r := &report{}
	if r.allPass() {
		t.Error("empty report cannot pass")
	}
	r.Figures = []figure{{Measured: true, Pass: true}}
	if !r.allPass() {
		t.Error("want pass")
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\n  b\t c\n", 100); got != "a b c" {
		t.Errorf("got %q", got)
	}
	if got := oneLine("abcdef", 3); got != "abc…" {
		t.Errorf("got %q", got)
	}
}
