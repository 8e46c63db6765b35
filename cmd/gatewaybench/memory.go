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
// on its own keep-alive connection, in max-rate mode. A sampler records the
// largest number of open file descriptors of the gateway, to show the 256
// connections were really open at once.
func (b *bench) memory(ctx context.Context) figure {
	const id, name, target = "P5", "peak RSS at 256 connections", "≤ 40 MiB"
	pid := b.gw.pid()
	if _, err := readMemStatus(pid); err != nil {
		return failed(id, name, target, err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var maxFDs int
	var maxRSS int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if n, err := countFDs(pid); err == nil {
					maxFDs = max(maxFDs, n)
				}
				if m, err := readMemStatus(pid); err == nil {
					maxRSS = max(maxRSS, m.RSS)
				}
			}
		}
	}()
	s, err := attack(ctx, load{name: "p5-256-connections", targets: []vegeta.Target{b.tasksTarget()},
		workers: memWorkers, duration: b.opt.duration})
	close(stop)
	wg.Wait()
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(s)
	m, err := readMemStatus(pid)
	if err != nil {
		return failed(id, name, target, err)
	}
	bad := s.count(not(is2xx))
	peak := mib(m.PeakRSS)
	return figure{ID: id, Name: name, Value: peak, Unit: "MiB", Target: target, Measured: true,
		Pass: peak <= 40 && bad == 0,
		Detail: fmt.Sprintf("VmHWM %.1f MiB; max VmRSS in phase %.1f MiB; max open fds %d; %.0f req/s; %d non-2xx",
			peak, mib(maxRSS), maxFDs, s.throughput(is2xx), bad),
		Extra: map[string]float64{"vmHWMMiB": peak, "phaseMaxRSSMiB": mib(maxRSS), "maxFDs": float64(maxFDs),
			"rps": s.throughput(is2xx), "non2xx": float64(bad)}}
}

// countFDs counts the open file descriptors of pid (Linux).
func countFDs(pid int) (int, error) {
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, fmt.Errorf("count fds: %w", err)
	}
	return len(entries), nil
}
