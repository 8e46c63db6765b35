package gatewaycmd

import (
	"runtime"

	"go.uber.org/zap"
)

// gomaxprocsFor returns the GOMAXPROCS the gateway should run with: base
// (the runtime's default, the CPUs available to the process) plus the
// bcrypt workers, unless the GOMAXPROCS environment variable is set, in
// which case the runtime already applied it and ok is false.
//
// Why: each bcrypt worker holds a P for the whole ~65 ms of a cost-10
// comparison. With GOMAXPROCS = CPUs and a pool of CPUs workers, a login
// storm holds every P, and every request goroutine waits for the Go
// scheduler's 10 ms preemption of a bcrypt goroutine, several times per
// request (query p99 14–27× its unloaded value in BENCHMARKS.md). With
// CPUs + workers Ps there is always a P for request goroutines; the bcrypt
// workers run on their own OS threads at a lower priority (auth's worker
// pool), so the kernel, not the Go scheduler, shares the CPUs, and it
// prefers the request threads. CPU use is still bounded by the CPUs.
func gomaxprocsFor(lookupEnv func(string) (string, bool), base, bcryptWorkers int) (n int, ok bool) {
	if _, set := lookupEnv("GOMAXPROCS"); set {
		return 0, false
	}
	return max(base, 1) + max(bcryptWorkers, 0), true
}

// applyGOMAXPROCS sets GOMAXPROCS per gomaxprocsFor and logs the value the
// gateway runs with. Setting it stops the runtime's automatic updates when
// a container's CPU limit changes; set GOMAXPROCS explicitly to choose.
func applyGOMAXPROCS(log *zap.Logger, lookupEnv func(string) (string, bool), bcryptWorkers int) {
	base := runtime.GOMAXPROCS(0)
	n, ok := gomaxprocsFor(lookupEnv, base, bcryptWorkers)
	if !ok {
		log.Info("GOMAXPROCS from the environment", zap.Int("gomaxprocs", base), zap.Int("bcryptWorkers", bcryptWorkers))
		return
	}
	runtime.GOMAXPROCS(n)
	log.Info("GOMAXPROCS set to CPUs + bcrypt workers", zap.Int("gomaxprocs", n),
		zap.Int("cpus", base), zap.Int("bcryptWorkers", bcryptWorkers))
}
