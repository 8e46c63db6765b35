package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ds := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n)
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i + 1)
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ds(7), 99, 7},
		{"p50 of 1..100", hundred, 50, 50},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 of 1..100", hundred, 100, 100},
		{"p1 of 1..100", hundred, 1, 1},
		{"p50 of 4", ds(1, 2, 3, 4), 50, 2},
		{"p99 of 4", ds(1, 2, 3, 4), 99, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSample(t *testing.T) {
	var s sample
	s.add(hit{code: 200, latency: 3 * time.Millisecond}, "")
	s.add(hit{code: 200, latency: 1 * time.Millisecond}, "")
	s.add(hit{code: 503, latency: 2 * time.Millisecond, retryAfter: true}, "")
	s.add(hit{code: 0, latency: 9 * time.Millisecond}, "connection refused")
	s.span = 2 * time.Second

	if got := s.count(nil); got != 4 {
		t.Errorf("count = %d, want 4", got)
	}
	if got := s.throughput(is2xx); got != 1 {
		t.Errorf("throughput(2xx) = %v, want 1", got)
	}
	if got := s.pct(100, is2xx); got != 3*time.Millisecond {
		t.Errorf("p100(2xx) = %v, want 3ms", got)
	}
	if got := s.pct(50, nil); got != 2*time.Millisecond {
		t.Errorf("p50(all) = %v, want 2ms", got)
	}
	if got := s.count(not(is2xx)); got != 2 {
		t.Errorf("non-2xx = %d, want 2", got)
	}
	if got := s.codes(); got[200] != 2 || got[503] != 1 || got[0] != 1 {
		t.Errorf("codes = %v", got)
	}
	if s.errs["connection refused"] != 1 {
		t.Errorf("errs = %v", s.errs)
	}
	var empty sample
	if empty.throughput(nil) != 0 || empty.pct(99, nil) != 0 {
		t.Error("empty sample must give zeros")
	}
}

func TestMedianAndRatios(t *testing.T) {
	cases := []struct {
		in   []float64
		want float64
	}{
		{nil, 0}, {[]float64{0.8}, 0.8}, {[]float64{0.9, 0.7, 0.8}, 0.8}, {[]float64{1.1, 0.7, 0.8, 0.9}, 0.85},
	}
	for _, tc := range cases {
		if got := median(tc.in); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	in := []float64{0.9, 0.7}
	median(in)
	if in[0] != 0.9 {
		t.Error("median sorted its argument")
	}
	if got := fmtRatios([]float64{0.814, 1}); got != "[0.81 1.00]" {
		t.Errorf("fmtRatios = %q", got)
	}
}
