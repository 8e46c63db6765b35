package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// failFast is P4: with tasks:list hanging in the backend, GET /api/tasks at
// a fixed rate, in two stages. Stage 1 runs until the first 503: its other
// answers waited for the gateway's call timeout (504) while the breaker
// counted failures. Stage 2, once every stage-1 request has ended, runs for
// -duration against the open breaker: the figure is the p99 of its 503s,
// each of which must carry Retry-After.
func (b *bench) failFast(ctx context.Context) figure {
	const id, name, target = "P4", "fail-fast p99 (breaker open)", "< 1 ms"
	b.fake.hang("tasks:list")
	defer b.fake.heal()
	// Enough workers for every request in flight while calls hang (rate ×
	// the longest wait: 3 attempts of the call timeout plus back-off).
	longest := 3*b.opt.callTimeout + 3*time.Second
	hangWorkers := uint64(float64(b.opt.rate) * longest.Seconds())
	tasks := []vegeta.Target{b.tasksTarget()}
	before, err := attack(ctx, load{name: "p4-until-open", targets: tasks, workers: 16,
		maxWorkers: min(max(hangWorkers, 64), 4000), rate: b.opt.rate, duration: longest + 10*time.Second,
		timeout: longest + 10*time.Second, until: isCode(503)})
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(before)
	if before.count(isCode(503)) == 0 {
		return failed(id, name, target, fmt.Errorf("the breaker never opened: %v", before.codes()))
	}
	after, err := attack(ctx, load{name: "p4-open", targets: tasks, workers: 16, rate: b.opt.rate,
		duration: b.opt.duration})
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(after)
	// The floor: the same load against a server that answers 503 at once.
	var floor time.Duration
	if srv, url, err := startNullServer(); err == nil {
		fs, err := attack(ctx, load{name: "p4-null-503-server", targets: []vegeta.Target{{Method: http.MethodGet, URL: url}},
			workers: 16, rate: b.opt.rate, duration: b.opt.duration / 2})
		_ = srv.Close()
		if err == nil {
			b.rep.addPhase(fs)
			floor = fs.pct(99, nil)
		}
	}
	// And the fair floor: the same server in another process, as the
	// gateway is (a request then crosses processes, not just goroutines).
	var floorProc time.Duration
	if url, stop, err := startNullProcess(ctx); err == nil {
		fs, err := attack(ctx, load{name: "p4-null-503-process", targets: []vegeta.Target{{Method: http.MethodGet, URL: url}},
			workers: 16, rate: b.opt.rate, duration: b.opt.duration / 2})
		stop()
		if err == nil {
			b.rep.addPhase(fs)
			floorProc = fs.pct(99, nil)
		}
	}
	open := isCode(503)
	slow := not(open)
	n503 := after.count(open)
	if n503 == 0 {
		return failed(id, name, target, fmt.Errorf("the breaker closed again: %v", after.codes()))
	}
	p99, p50 := after.pct(99, open), after.pct(50, open)
	noRetryAfter := after.count(func(h hit) bool { return h.code == 503 && !h.retryAfter })
	other := after.count(not(open))
	nSlow, sP50, sMax := before.count(slow), before.pct(50, slow), before.pct(100, slow)
	return figure{ID: id, Name: name, Value: us(p99), Unit: "µs", Target: target, Measured: true,
		Pass: p99 < time.Millisecond && noRetryAfter == 0 && other == 0,
		Detail: fmt.Sprintf("open: %d × 503, p50 %.0f µs, %d without Retry-After, %d other answers; before it opened: %d answers %v, p50 %.0f ms, max %.0f ms (call timeout %v); floor: a bare net/http 503 server, same rate: p99 %.0f µs in the bench process, %.0f µs in another process",
			n503, us(p50), noRetryAfter, other, nSlow, before.codes(), ms(sP50), ms(sMax), b.opt.callTimeout, us(floor), us(floorProc)),
		Extra: map[string]float64{"p99OpenUs": us(p99), "p50OpenUs": us(p50), "open503": float64(n503),
			"withoutRetryAfter": float64(noRetryAfter), "otherWhileOpen": float64(other), "beforeOpen": float64(nSlow),
			"beforeP50Ms": ms(sP50), "beforeMaxMs": ms(sMax), "callTimeoutMs": ms(b.opt.callTimeout),
			"nullServerP99Us": us(floor), "nullProcessP99Us": us(floorProc)}}
}
