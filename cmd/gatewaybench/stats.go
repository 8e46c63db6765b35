package main

import (
	"sort"
	"time"
)

// hit is one request's outcome as the bench keeps it.
type hit struct {
	code       int           // HTTP status; 0 for a transport error
	latency    time.Duration // request start to body read
	retryAfter bool          // the answer carried a Retry-After header
	// waitSecs is the Retry-After header in seconds (0 when absent or not a
	// number of seconds).
	waitSecs int
}

// sample is the outcome of one load phase. The zero value is an empty sample.
type sample struct {
	name    string
	hits    []hit
	span    time.Duration  // first request start to last response end
	errs    map[string]int // transport errors (code 0) by message
	workers uint64
	rate    int // requests per second asked for; 0: max rate
}

// add records one result; start and end are the request's times.
func (s *sample) add(h hit, errMsg string) {
	s.hits = append(s.hits, h)
	if h.code == 0 {
		if s.errs == nil {
			s.errs = map[string]int{}
		}
		s.errs[errMsg]++
	}
}

// codes counts the hits by status code (0: transport error).
func (s *sample) codes() map[int]int {
	m := map[int]int{}
	for _, h := range s.hits {
		m[h.code]++
	}
	return m
}

// count returns the number of hits keep accepts (nil: all).
func (s *sample) count(keep func(hit) bool) int {
	n := 0
	for _, h := range s.hits {
		if keep == nil || keep(h) {
			n++
		}
	}
	return n
}

// throughput is the number of hits keep accepts per second of the span.
func (s *sample) throughput(keep func(hit) bool) float64 {
	if s.span <= 0 {
		return 0
	}
	return float64(s.count(keep)) / s.span.Seconds()
}

// latencies returns the sorted latencies of the hits keep accepts (nil: all).
func (s *sample) latencies(keep func(hit) bool) []time.Duration {
	out := make([]time.Duration, 0, len(s.hits))
	for _, h := range s.hits {
		if keep == nil || keep(h) {
			out = append(out, h.latency)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// pct is the nearest-rank percentile p (0 < p ≤ 100) of the latencies of the
// hits keep accepts; 0 when there are none.
func (s *sample) pct(p float64, keep func(hit) bool) time.Duration {
	return percentile(s.latencies(keep), p)
}

// percentile is the nearest-rank percentile p of sorted; 0 for an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

// Filters for sample methods.
func is2xx(h hit) bool { return h.code >= 200 && h.code < 300 }

func isCode(code int) func(hit) bool { return func(h hit) bool { return h.code == code } }

func not(f func(hit) bool) func(hit) bool { return func(h hit) bool { return !f(h) } }

// us converts a duration to microseconds as a float.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// ms converts a duration to milliseconds as a float.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
