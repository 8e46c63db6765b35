package convexclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// resetConn answers by closing the connection without a response.
func resetConn(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func TestRetryCountsPerKind(t *testing.T) {
	cases := []struct {
		name    string
		kind    Kind
		handler http.HandlerFunc
		hits    int64
		outcome string
	}{
		{"query 503", KindQuery, reply(503, `{"code":"Overloaded","message":"x"}`), 3, OutcomeUnavailable},
		{"query 429", KindQuery, reply(429, `{"code":"TooManyConcurrentRequests","message":"x"}`), 3, OutcomeUnavailable},
		{"query reset", KindQuery, resetConn, 3, OutcomeNetworkError},
		{"query 500 not retried", KindQuery, reply(500, `{}`), 1, OutcomeHTTPError},
		{"query 502 not retried", KindQuery, reply(502, ``), 1, OutcomeHTTPError},
		{"query function error not retried", KindQuery, reply(200, `{"status":"error","errorMessage":"x"}`), 1, OutcomeFunctionError},
		{"mutation 503 not retried", KindMutation, reply(503, `{}`), 1, OutcomeUnavailable},
		{"mutation 429 not retried", KindMutation, reply(429, `{}`), 1, OutcomeUnavailable},
		{"mutation reset not retried", KindMutation, resetConn, 1, OutcomeNetworkError},
		{"action 503 not retried", KindAction, reply(503, `{}`), 1, OutcomeUnavailable},
		{"action reset not retried", KindAction, resetConn, 1, OutcomeNetworkError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := setup(t, tc.handler, func(c *Config) { c.Breaker.Disabled = true })
			err := hs.c.Call(context.Background(), tc.kind, "a:b", nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if got := hs.rec.hits.Load(); got != tc.hits {
				t.Fatalf("server hits = %d, want %d (err %v)", got, tc.hits, err)
			}
			ev := hs.lastEvent(t)
			if ev.Attempts != int(tc.hits) || ev.Outcome != tc.outcome {
				t.Fatalf("event %+v", ev)
			}
			if want := int(tc.hits) - 1; len(hs.delays) != want {
				t.Fatalf("slept %d times, want %d", len(hs.delays), want)
			}
		})
	}
}

func TestRetryThenSuccess(t *testing.T) {
	n := 0
	hs := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n++ // handler calls are sequential: the client waits for each answer
		if n < 3 {
			reply(503, `{}`)(w, r)
			return
		}
		reply(200, `{"status":"success","value":"ok"}`)(w, r)
	})
	var s string
	if err := hs.c.Query(context.Background(), "a:b", nil, &s); err != nil || s != "ok" {
		t.Fatalf("= %q, %v", s, err)
	}
	want := []time.Duration{100*time.Millisecond - 1, 200*time.Millisecond - 1}
	if len(hs.delays) != 2 || hs.delays[0] != want[0] || hs.delays[1] != want[1] {
		t.Fatalf("delays %v, want %v", hs.delays, want)
	}
	if ev := hs.lastEvent(t); ev.Attempts != 3 || ev.Outcome != OutcomeSuccess {
		t.Fatalf("event %+v", ev)
	}
}

func TestConnectionRefusedRetriedForAllKinds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for _, k := range []Kind{KindQuery, KindMutation, KindAction} {
		var ev CallEvent
		var slept int
		cfg := Config{URL: "http://" + addr, OnCall: func(e CallEvent) { ev = e }}
		cfg.sleep = func(context.Context, time.Duration) error { slept++; return nil }
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Call(context.Background(), k, "a:b", nil, nil)
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Op != "dial" || ne.Path != "a:b" {
			t.Fatalf("%s: err = %v, want dial NetworkError", k, err)
		}
		if ev.Attempts != 3 || slept != 2 || ev.Outcome != OutcomeNetworkError || ev.Status != 0 {
			t.Fatalf("%s: event %+v slept %d", k, ev, slept)
		}
	}
}

func TestBackoffFullJitterBounds(t *testing.T) {
	e := &engine{cfg: Config{Retry: RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()}}
	var ceilings []int64
	e.jitter = func(n int64) int64 { ceilings = append(ceilings, n); return n / 2 }
	for n := 1; n <= 40; n++ {
		if d := e.backoff(n); d < 0 || d >= time.Second {
			t.Fatalf("backoff(%d) = %v", n, d)
		}
	}
	want := []time.Duration{100, 200, 400, 800, 1000}
	for i, w := range want {
		if time.Duration(ceilings[i]) != w*time.Millisecond {
			t.Fatalf("ceiling %d = %v, want %v", i+1, time.Duration(ceilings[i]), w*time.Millisecond)
		}
	}
	if time.Duration(ceilings[39]) != time.Second {
		t.Fatalf("ceiling 40 = %v", time.Duration(ceilings[39]))
	}
}

func TestRetriesDisabled(t *testing.T) {
	hs := setup(t, reply(503, `{}`), func(c *Config) { c.Retry.MaxAttempts = 1 })
	_ = hs.c.Query(context.Background(), "a:b", nil, nil)
	if hs.rec.hits.Load() != 1 {
		t.Fatalf("hits %d", hs.rec.hits.Load())
	}
}
