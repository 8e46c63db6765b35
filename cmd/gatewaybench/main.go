// Command gatewaybench measures the gateway against its performance targets
// in one run on this machine, and prints a table plus a JSON file:
//
//	go run ./cmd/gatewaybench                   # ~2 minutes, results in bench-results.json
//	go run ./cmd/gatewaybench -duration 8s -out /tmp/r.json
//
// It builds ./examples/demo/cmd/demogateway, serves the dev backend (a
// convextest deployment with the demo functions and accounts) in this
// process on loopback, starts the gateway binary pointing at it, logs in as
// a demo user (cookie session, jwt identity by default) and drives load with
// vegeta from this process; the null servers the figures compare against
// run as child processes of this binary. Every figure is a ratio or a value
// measured in the same run (see BENCHMARKS.md). The exit code is 0 when
// every figure was measured (1 on a harness error, 3 with -fail-on-miss and
// a MISS).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if kind := os.Getenv(childEnv); kind != "" {
		os.Exit(serveChild(kind))
	}
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		if sig, ok := <-sigs; ok {
			fmt.Fprintf(os.Stderr, "gatewaybench: %v received, stopping\n", sig)
			cancel() // run stops the load, then the gateway and the fake
		}
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("gatewaybench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := options{gatewayEnv: envList{}}
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each measured phase")
	fs.StringVar(&o.out, "out", "bench-results.json", "path of the JSON results")
	fs.IntVar(&o.rate, "rate", 200, "requests per second of the latency phases (P3 tasks, P4)")
	fs.IntVar(&o.concurrency, "concurrency", 32, "workers of the throughput phase P1 (max-rate mode)")
	fs.StringVar(&o.identity, "identity", "jwt", "gateway identity mode: jwt (gateway-signed ES256 tokens the fake verifies through the gateway's JWKS, as a new deployment would use) or admin (deploy key acting as the user)")
	fs.DurationVar(&o.soak, "soak", 20*time.Second, "length of P5's soak phase (256 connections; VmRSS must not grow)")
	fs.DurationVar(&o.callTimeout, "call-timeout", time.Second, "gateway CONVEX_TIMEOUT: how long a hanging call waits before the breaker opens (P4)")
	fs.StringVar(&o.logLevel, "gateway-log-level", "info", "gateway LOG_LEVEL (info logs every request, as in production)")
	fs.Var(o.gatewayEnv, "gateway-env", "extra `KEY=VALUE` in the gateway's environment, applied last (repeatable), e.g. GOMAXPROCS=3, GOMEMLIMIT=24MiB, BCRYPT_WORKERS=1")
	only := fs.String("only", "", "measure only these figures, comma-separated (e.g. P3,P5); default all")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (gateway binary and log)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "instead of the figures: run the gateway in a child process that profiles itself during P1's proxied load, write its CPU profile to FILE (allocations to FILE.allocs, base FILE.allocs.base) and print its CPU per request and top costs")
	fs.BoolVar(&o.profileLogin, "profile-login", false, "with -cpuprofile: profile logins (P2's load) instead of the proxied query")
	fs.BoolVar(&o.failOnMiss, "fail-on-miss", false, "exit 3 when a figure misses its target")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var errs []error
	if o.duration < time.Second || o.duration > 5*time.Minute {
		errs = append(errs, errors.New("-duration must be between 1s and 5m"))
	}
	if o.soak < time.Second || o.soak > time.Hour {
		errs = append(errs, errors.New("-soak must be between 1s and 1h"))
	}
	if o.rate < 1 || o.rate > 100000 {
		errs = append(errs, errors.New("-rate must be between 1 and 100000"))
	}
	if o.concurrency < 1 || o.concurrency > 10000 {
		errs = append(errs, errors.New("-concurrency must be between 1 and 10000"))
	}
	if o.identity != "admin" && o.identity != "jwt" {
		errs = append(errs, errors.New("-identity must be admin or jwt"))
	}
	if o.callTimeout < 100*time.Millisecond || o.callTimeout > 30*time.Second {
		errs = append(errs, errors.New("-call-timeout must be between 100ms and 30s"))
	}
	if *only != "" {
		o.only = map[string]bool{}
		for _, id := range strings.Split(*only, ",") {
			id = strings.ToUpper(strings.TrimSpace(id))
			if len(id) != 2 || id[0] != 'P' || id[1] < '1' || id[1] > '5' {
				errs = append(errs, fmt.Errorf("-only: %q is not one of P1..P5", id))
			}
			o.only[id] = true
		}
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	return o, errors.Join(errs...)
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opt, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "gatewaybench: %v\n", err)
		return 2
	}
	if opt.cpuprofile != "" {
		if err := profileProxied(ctx, opt, opt.cpuprofile, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "gatewaybench: profile: %v\n", err)
			return 1
		}
		return 0
	}
	dir, err := mkTemp()
	if err != nil {
		fmt.Fprintf(stderr, "gatewaybench: %v\n", err)
		return 1
	}
	b := &bench{opt: opt, log: stderr, dir: dir, rep: newReport(opt.identity, opt.duration, opt.concurrency, opt.rate)}
	b.rep.GatewayEnv = opt.gatewayEnv
	defer func() {
		b.teardown()
		if opt.keep {
			fmt.Fprintf(stderr, "gatewaybench: kept %s\n", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	}()
	start := time.Now()
	if err := b.setup(ctx); err != nil {
		fmt.Fprintf(stderr, "gatewaybench: setup: %v\n", err)
		return 1
	}
	b.run(ctx)
	b.rep.Seconds = time.Since(start).Seconds()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "gatewaybench: interrupted")
		return 1
	}
	b.rep.printTable(stdout)
	if err := b.rep.writeJSON(opt.out); err != nil {
		fmt.Fprintf(stderr, "gatewaybench: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "results written to %s (%.0f s)\n", opt.out, b.rep.Seconds)
	if opt.failOnMiss && !b.rep.allPass() {
		return 3
	}
	return 0
}
