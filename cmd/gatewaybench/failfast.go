package main

import (
	"context"
	"fmt"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// failFast is P4: with tasks:list hanging in the backend, GET /api/tasks at
// a fixed rate. Calls before the breaker opens wait for the gateway's call
// timeout (504); once it is open the gateway answers 503 with Retry-After at
// once. The figure is the p99 of those 503s; the slow answers before it are
// reported beside it.
func (b *bench) failFast(ctx context.Context) figure {
	const id, name, target = "P4", "fail-fast p99 (breaker open)", "< 1 ms"
	b.fake.hang("tasks:list")
	defer b.fake.heal()
	// Enough workers for every request in flight while calls hang (rate ×
	// the longest wait: 3 attempts of the call timeout plus back-off).
	hangWorkers := uint64(float64(b.opt.rate) * (3*b.opt.callTimeout + 3*time.Second).Seconds())
	l := load{name: "p4-hanging-backend", targets: []vegeta.Target{b.tasksTarget()}, workers: 16,
		maxWorkers: min(max(hangWorkers, 64), 4000), rate: b.opt.rate,
		duration: b.opt.duration + 2*b.opt.callTimeout, timeout: 3*b.opt.callTimeout + 10*time.Second}
	s, err := attack(ctx, l)
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(s)
	open := isCode(503)
	before := not(open)
	n503, nBefore := s.count(open), s.count(before)
	if n503 == 0 {
		return failed(id, name, target, fmt.Errorf("the breaker never opened: %v", s.codes()))
	}
	p99 := s.pct(99, open)
	noRetryAfter := s.count(func(h hit) bool { return h.code == 503 && !h.retryAfter })
	other := s.count(func(h hit) bool { return h.code != 503 && h.code != 504 })
	bP50, bMax := s.pct(50, before), s.pct(100, before)
	return figure{ID: id, Name: name, Value: us(p99), Unit: "µs", Target: target, Measured: true,
		Pass: p99 < time.Millisecond && noRetryAfter == 0,
		Detail: fmt.Sprintf("%d × 503 (p50 %.0f µs, %d without Retry-After) after %d slow answers (p50 %.0f ms, max %.0f ms; call timeout %v); %d other codes",
			n503, us(s.pct(50, open)), noRetryAfter, nBefore, ms(bP50), ms(bMax), b.opt.callTimeout, other),
		Extra: map[string]float64{"p99OpenUs": us(p99), "p50OpenUs": us(s.pct(50, open)), "open503": float64(n503),
			"withoutRetryAfter": float64(noRetryAfter), "beforeOpen": float64(nBefore),
			"beforeP50Ms": ms(bP50), "beforeMaxMs": ms(bMax), "callTimeoutMs": ms(b.opt.callTimeout)}}
}
