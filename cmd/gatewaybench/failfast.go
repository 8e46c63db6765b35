package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// failFast is P4: with tasks:list hanging in the backend, GET /api/tasks at
// a fixed rate, in two stages. Stage 1 runs until the first 503 of the open
// breaker (its Retry-After is the breaker's remaining open time, minutes
// here; the client's in-flight limit sheds calls with 503 and Retry-After:
// 1 meanwhile, and the breaker opens only once the failures reach its ratio
// over its window, which earlier phases filled with successes): its other
// answers waited for the gateway's call timeout (504) or were shed. Stage
// 2, once every stage-1 request has ended, runs
// against the open breaker, alternating with the same load against a bare
// net/http server that answers 503 at once in a process of its own (the
// floor of an answer crossing processes on this machine), two rounds each:
// the figure is the p99 of the breaker's 503s ÷ the bare server's p99, and
// every 503 must carry Retry-After.
func (b *bench) failFast(ctx context.Context) figure {
	const id, name, target = "P4", "fail-fast p99 / bare-503 p99", "≤ 1.5"
	b.fake.hang("tasks:list")
	defer b.fake.heal()
	// Enough workers for every request in flight while calls hang (rate ×
	// the longest wait: 3 attempts of the call timeout plus back-off).
	longest := 3*b.opt.callTimeout + 3*time.Second + breakerWindow
	hangWorkers := uint64(float64(b.opt.rate) * longest.Seconds())
	tasks := []vegeta.Target{b.tasksTarget()}
	before, err := attack(ctx, load{name: "p4-until-open", targets: tasks, workers: 16,
		maxWorkers: min(max(hangWorkers, 64), 4000), rate: b.opt.rate, duration: longest + 10*time.Second,
		timeout: longest + 10*time.Second, until: breakerOpen})
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(before)
	if before.count(breakerOpen) == 0 {
		return failed(id, name, target, fmt.Errorf("the breaker never opened: %v", before.codes()))
	}
	bare, err := startChild(ctx, childNull503, nil)
	if err != nil {
		return failed(id, name, target, err)
	}
	defer bare.stop()
	half := b.opt.duration / 2
	open := load{name: "p4-open", targets: tasks, workers: 16, rate: b.opt.rate, duration: half}
	floor := load{name: "p4-bare-503-process", targets: []vegeta.Target{{Method: http.MethodGet, URL: bare.url}},
		workers: 16, rate: b.opt.rate, duration: half}
	var after, fs *sample
	for range 2 {
		s, err := attack(ctx, open)
		if err != nil {
			return failed(id, name, target, err)
		}
		after = merge(after, s)
		if s, err = attack(ctx, floor); err != nil {
			return failed(id, name, target, err)
		}
		fs = merge(fs, s)
	}
	b.rep.addPhase(after)
	b.rep.addPhase(fs)
	is503 := isCode(503)
	n503 := after.count(is503)
	if n503 == 0 {
		return failed(id, name, target, fmt.Errorf("the breaker closed again: %v", after.codes()))
	}
	p99, p50 := after.pct(99, is503), after.pct(50, is503)
	f99, f50 := fs.pct(99, is503), fs.pct(50, is503)
	if f99 <= 0 {
		return failed(id, name, target, fmt.Errorf("the bare 503 server gave no answers: %v", fs.codes()))
	}
	ratio := float64(p99) / float64(f99)
	noRetryAfter := after.count(func(h hit) bool { return h.code == 503 && !h.retryAfter })
	other := after.count(not(is503))
	slow := not(breakerOpen)
	nSlow, sP50, sMax := before.count(slow), before.pct(50, slow), before.pct(100, slow)
	return figure{ID: id, Name: name, Value: ratio, Unit: "×", Target: target, Measured: true,
		Pass: ratio <= 1.5 && noRetryAfter == 0 && other == 0,
		Detail: fmt.Sprintf("open breaker: %d × 503, p99 %.0f µs, p50 %.0f µs, %d without Retry-After, %d other answers; bare 503 server in another process, same rate: p99 %.0f µs, p50 %.0f µs; before it opened: %d answers %v, p50 %.0f ms, max %.0f ms (call timeout %v)",
			n503, us(p99), us(p50), noRetryAfter, other, us(f99), us(f50), nSlow, before.codes(), ms(sP50), ms(sMax), b.opt.callTimeout),
		Extra: map[string]float64{"p99OpenUs": us(p99), "p50OpenUs": us(p50), "open503": float64(n503),
			"bareP99Us": us(f99), "bareP50Us": us(f50),
			"withoutRetryAfter": float64(noRetryAfter), "otherWhileOpen": float64(other), "beforeOpen": float64(nSlow),
			"beforeP50Ms": ms(sP50), "beforeMaxMs": ms(sMax), "callTimeoutMs": ms(b.opt.callTimeout)}}
}

// breakerWindow is the client's default breaker window (10 s): the longest
// its failure ratio can take to forget earlier successes.
const breakerWindow = 10 * time.Second

// breakerOpen is an answer of the open breaker: 503 with a Retry-After of
// more than a second (the bench opens it for minutes; a shed call says 1).
func breakerOpen(h hit) bool { return h.code == 503 && h.waitSecs > 1 }
