package main

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"plain", "1234 (gateway) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 8 0 100 0 0",
			280 * clockTick, false},
		{"spaces and parens in name", "99 (my (odd) prog) R 1 2 3 4 5 6 7 8 9 10 7 3 0 0",
			10 * clockTick, false},
		{"no name", "99 gateway R", 0, true},
		{"short", "99 (g) R 1 2 3", 0, true},
		{"bad number", "99 (g) R 1 2 3 4 5 6 7 8 9 10 x 3 0", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCPUMeterSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no procfs")
	}
	m := startCPU(os.Getpid())
	deadline := time.Now().Add(60 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	if !m.stop() {
		t.Fatal("meter failed")
	}
	if m.Self <= 0 || m.Gate != m.Self {
		t.Errorf("self %v gate %v (same process: want equal and > 0); x=%d", m.Self, m.Gate, x)
	}
}
