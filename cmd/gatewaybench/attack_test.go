package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestAttackMaxRateFixedWorkers(t *testing.T) {
	var inFlight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond) // a slow backend so workers overlap
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)

	s, err := attack(context.Background(), load{
		name:     "t",
		targets:  []vegeta.Target{{Method: "GET", URL: srv.URL + "/ok"}, {Method: "GET", URL: srv.URL + "/busy"}},
		workers:  4,
		duration: 300 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := peak.Load(); got > 4 {
		t.Errorf("peak concurrency %d, want ≤ 4 workers", got)
	}
	codes := s.codes()
	if codes[200] == 0 || codes[503] == 0 || codes[0] != 0 {
		t.Errorf("codes = %v, want both 200 and 503, no errors", codes)
	}
	if s.count(func(h hit) bool { return h.code == 503 && !h.retryAfter }) != 0 {
		t.Error("Retry-After not seen on 503")
	}
	if s.span <= 0 || s.throughput(nil) <= 0 {
		t.Errorf("span %v throughput %v", s.span, s.throughput(nil))
	}
	if p := s.pct(50, nil); p < 2*time.Millisecond {
		t.Errorf("p50 %v below the server's 2ms sleep", p)
	}
}

func TestAttackRateAndTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on

	s, err := attack(context.Background(), load{
		name: "refused", targets: []vegeta.Target{{Method: "GET", URL: url}},
		workers: 2, rate: 50, duration: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.count(nil); n < 5 || n > 15 {
		t.Errorf("%d hits at 50/s for 200ms, want about 10", n)
	}
	if s.codes()[0] != s.count(nil) || len(s.errs) == 0 {
		t.Errorf("want only transport errors, codes %v errs %v", s.codes(), s.errs)
	}
}

func TestAttackStopsOnCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := attack(ctx, load{name: "c", targets: []vegeta.Target{{Method: "GET", URL: srv.URL}},
		workers: 2, duration: time.Minute})
	if err == nil {
		t.Error("want an error after cancel")
	}
	if time.Since(start) > 10*time.Second {
		t.Error("attack did not stop on cancel")
	}
}

func TestAttackValidates(t *testing.T) {
	if _, err := attack(context.Background(), load{name: "x"}); err == nil {
		t.Error("want an error for an empty load")
	}
}

func TestAttackUntil(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 20 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	start := time.Now()
	s, err := attack(context.Background(), load{name: "u", targets: []vegeta.Target{{Method: "GET", URL: srv.URL}},
		workers: 2, duration: time.Minute, until: isCode(503)})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 10*time.Second || s.codes()[503] == 0 || s.codes()[200] != 20 {
		t.Errorf("until did not stop the attack at the first 503: %v", s.codes())
	}
}
