package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// memWorkers is the number of concurrent connections of the memory phase.
const memWorkers = 256

// memory is P5: the gateway's peak RSS (VmHWM, over its whole life so far:
// all earlier phases included) after GET /api/tasks from 256 workers, each
// on its own keep-alive connection, in max-rate mode; then a soak, the same
// load for -soak, whose VmRSS at its start (after a second) and at its end
// must not grow by more than 10 %: memory that grows under steady load is a
// leak, whatever the peak. A sampler records the largest number of open file
// descriptors of the gateway, to show the 256 connections were really open
// at once.
func (b *bench) memory(ctx context.Context) figure {
	const id, name, target = "P5", "peak RSS at 256 connections; soak growth", "≤ 64 MiB; ≤ 10 %"
	pid := b.gw.pid()
	if _, err := readMemStatus(pid); err != nil {
		return failed(id, name, target, err)
	}
	peakLoad := load{name: "p5-256-connections", targets: []vegeta.Target{b.tasksTarget()},
		workers: memWorkers, duration: b.opt.duration}
	peak, err := sampleWhile(ctx, pid, peakLoad)
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(peak.s)
	soakLoad := peakLoad
	soakLoad.name, soakLoad.duration = "p5-soak", b.opt.soak
	soak, err := sampleWhile(ctx, pid, soakLoad)
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(soak.s)
	m, err := readMemStatus(pid)
	if err != nil {
		return failed(id, name, target, err)
	}
	// 256 callers against the client's in-flight limit: calls that get no
	// slot in time are shed with 503 + Retry-After, as documented; any
	// other answer is a failure.
	ok := func(h hit) bool { return is2xx(h) || documented(h) }
	bad := peak.s.count(not(ok)) + soak.s.count(not(ok))
	shed := peak.s.count(documented) + soak.s.count(documented)
	hwm := mib(m.PeakRSS)
	start, end := mib(soak.startRSS), mib(soak.endRSS)
	growth := 0.0
	if start > 0 {
		growth = (end - start) / start
	}
	return figure{ID: id, Name: name, Value: hwm, Unit: "MiB", Target: target, Measured: true,
		Pass: hwm <= 64 && growth <= 0.10 && start > 0 && bad == 0,
		Detail: fmt.Sprintf("VmHWM %.1f MiB; max VmRSS %.1f MiB at 256 connections (%.0f req/s, max open fds %d); soak of %v at %.0f req/s: VmRSS %.1f MiB after 1 s, %.1f MiB at the end (%+.1f %%), max %.1f MiB; %d shed (503 + Retry-After), %d failures",
			hwm, mib(peak.maxRSS), peak.s.throughput(is2xx), peak.maxFDs, b.opt.soak, soak.s.throughput(is2xx),
			start, end, 100*growth, mib(soak.maxRSS), shed, bad),
		Extra: map[string]float64{"vmHWMMiB": hwm, "phaseMaxRSSMiB": mib(peak.maxRSS), "maxFDs": float64(max(peak.maxFDs, soak.maxFDs)),
			"rps": peak.s.throughput(is2xx), "soakStartRSSMiB": start, "soakEndRSSMiB": end, "soakGrowth": growth,
			"soakMaxRSSMiB": mib(soak.maxRSS), "soakSeconds": b.opt.soak.Seconds(), "shed": float64(shed), "failures": float64(bad)}}
}

// memPhase is one load phase of P5 with the gateway's memory sampled every
// 100 ms: VmRSS after the first second and at the end, the largest VmRSS
// and the most open file descriptors.
type memPhase struct {
	s                        *sample
	startRSS, endRSS, maxRSS int64
	maxFDs                   int
}

// sampleWhile runs l while sampling the memory of pid.
func sampleWhile(ctx context.Context, pid int, l load) (memPhase, error) {
	var mp memPhase
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		began := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if n, err := countFDs(pid); err == nil {
					mp.maxFDs = max(mp.maxFDs, n)
				}
				if m, err := readMemStatus(pid); err == nil {
					mp.maxRSS = max(mp.maxRSS, m.RSS)
					if mp.startRSS == 0 && time.Since(began) >= time.Second {
						mp.startRSS = m.RSS
					}
				}
			}
		}
	}()
	s, err := attack(ctx, l)
	close(stop)
	wg.Wait()
	if err != nil {
		return mp, err
	}
	mp.s = s
	if m, err := readMemStatus(pid); err == nil {
		mp.endRSS = m.RSS
	}
	return mp, nil
}

// countFDs counts the open file descriptors of pid (Linux).
func countFDs(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count fds: %w", err)
	}
	return len(entries), nil
}
