package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// load describes one load phase driven by vegeta.
type load struct {
	name    string
	targets []vegeta.Target // used round-robin
	workers uint64          // workers (and connections); at rate 0 exactly this many
	rate    int             // requests per second; 0 means as fast as the workers go
	// maxWorkers bounds the workers vegeta adds at a rate when answers are
	// slow; 0 means 4× workers. Ignored at rate 0.
	maxWorkers uint64
	duration   time.Duration
	timeout    time.Duration // per request; 0 means 10s
	// until, when set, ends the attack early at the first hit it accepts
	// (requests in flight still finish and are counted).
	until func(hit) bool
}

// attack runs l and returns its sample. With rate 0 it is vegeta's max-rate
// mode with a fixed number of workers (closed loop: each worker sends its next
// request when the previous one is answered); with a rate it is an open loop
// at that rate, vegeta adding workers up to l.maxWorkers when answers are
// slow. It stops early when ctx ends.
func attack(ctx context.Context, l load) (*sample, error) {
	if len(l.targets) == 0 || l.workers == 0 || l.duration <= 0 || l.rate < 0 {
		return nil, fmt.Errorf("attack %s: need targets, workers, a duration and a rate ≥ 0", l.name)
	}
	timeout := l.timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	maxWorkers := l.workers
	if l.rate > 0 {
		maxWorkers = max(l.maxWorkers, l.workers)
		if l.maxWorkers == 0 {
			maxWorkers = 4 * l.workers
		}
	}
	atk := vegeta.NewAttacker(
		vegeta.Workers(l.workers),
		vegeta.MaxWorkers(maxWorkers),
		vegeta.Connections(int(maxWorkers)),
		vegeta.KeepAlive(true),
		vegeta.Timeout(timeout),
		vegeta.Redirects(vegeta.NoFollow),
		vegeta.MaxBody(1<<20),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()

	pacer := vegeta.ConstantPacer{Freq: l.rate, Per: time.Second}
	s := &sample{name: l.name, workers: l.workers, rate: l.rate}
	var first, last time.Time
	for r := range atk.Attack(vegeta.NewStaticTargeter(l.targets...), pacer, l.duration, l.name) {
		ra := r.Headers.Get("Retry-After")
		h := hit{code: int(r.Code), latency: r.Latency, retryAfter: ra != ""}
		h.waitSecs, _ = strconv.Atoi(ra)
		msg := r.Error
		if h.code != 0 {
			msg = ""
		}
		s.add(h, msg)
		if l.until != nil && l.until(h) {
			atk.Stop()
		}
		if first.IsZero() || r.Timestamp.Before(first) {
			first = r.Timestamp
		}
		if end := r.End(); end.After(last) {
			last = end
		}
	}
	s.span = last.Sub(first)
	if err := ctx.Err(); err != nil {
		return s, fmt.Errorf("attack %s: %w", l.name, err)
	}
	return s, nil
}

// attackTogether runs the loads at the same time and returns their samples in
// order.
func attackTogether(ctx context.Context, loads ...load) ([]*sample, error) {
	type out struct {
		s   *sample
		err error
	}
	chans := make([]chan out, len(loads))
	for i, l := range loads {
		chans[i] = make(chan out, 1)
		go func() {
			s, err := attack(ctx, l)
			chans[i] <- out{s, err}
		}()
	}
	samples := make([]*sample, len(loads))
	var firstErr error
	for i, ch := range chans {
		o := <-ch
		samples[i] = o.s
		if o.err != nil && firstErr == nil {
			firstErr = o.err
		}
	}
	return samples, firstErr
}
