package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/convexgw/convexgw/examples/demo"
	"github.com/convexgw/convexgw/gateway"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// config is the gateway.Config the environment of env() gives, for the
// in-process gateway of the profile mode (cmd/gateway parses env() the same
// way; settings_test keeps the two in step).
func (s gwSettings) config() gateway.Config {
	env := s.env()
	c := gateway.Defaults()
	c.ListenAddr, c.PublicURL = s.listenAddr, env["PUBLIC_URL"]
	c.ConvexURL, c.ConvexDeployKey = s.convexURL, gateway.Secret(s.deployKey)
	c.IdentityMode, c.SigningKeyFile = s.identityMode, s.signingKeyFile
	c.SessionSecret, c.CSRFSecret = gateway.Secret(env["SESSION_SECRET"]), gateway.Secret(env["CSRF_SECRET"])
	c.SecureCookies = false
	c.ConvexTimeout = s.callTimeout
	c.BreakerFailures, c.BreakerOpenTimeout = 5, 5*time.Minute
	c.BcryptCost = 10
	c.LockoutMax, c.LoginRate, c.LoginBurst, c.APIRate = 1000000, 6000000, 1000000, 0
	c.LoginAccountRate, c.LoginAccountBurst = 6000000, 1000000
	c.AllowInsecure, c.AdminAddr = []string{gateway.InsecureLockout}, "off"
	c.LogLevel, c.LogFormat = s.logLevel, "json"
	return c
}

// labelled runs f with the pprof label role=role; goroutines f starts (the
// gateway's server and connection goroutines, vegeta's workers) inherit it,
// so `go tool pprof -tagfocus role=gateway` isolates the gateway's CPU.
func labelled(ctx context.Context, role string, f func(context.Context)) {
	pprof.Do(ctx, pprof.Labels("role", role), f)
}

// profileProxied is the -cpuprofile mode: the fake, the gateway (in this
// process, built from the same settings) and vegeta run as labelled
// goroutines; P1's proxied load (or, with -profile-login, P2's logins) runs
// for -duration under the CPU profiler;
// an allocation profile is written beside it. It prints the gateway's top
// CPU and allocation costs.
func profileProxied(ctx context.Context, opt options, cpuPath string, stdout, stderr io.Writer) error {
	dir, err := mkTemp()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var fake *fakeBackend
	labelled(ctx, "fake", func(context.Context) { fake, err = startFake("dev:bench"+randomHex(8), "tasks:list") })
	if err != nil {
		return err
	}
	defer fake.close()
	s := gwSettings{listenAddr: "127.0.0.1:0", convexURL: fake.url, deployKey: fake.deployKey,
		identityMode: opt.identity, callTimeout: opt.callTimeout, logLevel: opt.logLevel}
	if s.identityMode == "jwt" {
		if s.signingKeyFile, err = writeSigningKey(dir); err != nil {
			return err
		}
	}
	cfg := s.config()
	cfg.PublicURL = "http://127.0.0.1"
	logf, err := os.Create(filepath.Join(dir, "gateway.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	lvl, _ := zapcore.ParseLevel(opt.logLevel)
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.TimeKey, encCfg.EncodeTime = "time", zapcore.ISO8601TimeEncoder
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(encCfg), zapcore.AddSync(logf), lvl))
	g, err := gateway.New(cfg, gateway.Options{Logger: log, App: demo.New()})
	if err != nil {
		return err
	}
	labelled(ctx, "gateway", func(ctx context.Context) { err = g.Start(ctx) })
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Shutdown(sctx)
	}()
	b := &bench{opt: opt, log: stderr, fake: fake, base: g.URL(), issuer: cfg.PublicURL}
	if err := b.signIn(ctx, s.identityMode); err != nil {
		return err
	}
	if err := ensureTasks(ctx, b.base, b.issuer, b.sess, benchTasks); err != nil {
		return err
	}
	l := load{name: "profile-tasks", targets: []vegeta.Target{b.tasksTarget()}, workers: uint64(opt.concurrency),
		duration: opt.duration}
	if opt.profileLogin {
		l = load{name: "profile-login", targets: loginTargets(b.base), workers: uint64(2 * runtime.NumCPU()), duration: opt.duration}
	}
	warm := l
	warm.duration = opt.duration / 5
	if _, err := attack(ctx, warm); err != nil {
		return err
	}
	cpuf, err := os.Create(cpuPath)
	if err != nil {
		return err
	}
	defer cpuf.Close()
	runtime.GC()
	memPath := cpuPath + ".allocs"
	runtime.MemProfileRate = 64 << 10 // finer than the default 512 KiB, still cheap
	if err := pprof.StartCPUProfile(cpuf); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	var smp *sample
	labelled(ctx, "client", func(ctx context.Context) { smp, err = attack(ctx, l) })
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	// The same number of requests' worth of the direct load, profiled
	// apart, gives the fake's and the client's CPU per request without the
	// gateway in the way (compare `-tags` of both files).
	directPath := cpuPath + ".direct"
	var dsmp *sample
	if !opt.profileLogin {
		dt, err := b.directTarget()
		if err != nil {
			return err
		}
		df, err := os.Create(directPath)
		if err != nil {
			return err
		}
		defer df.Close()
		if err := pprof.StartCPUProfile(df); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		labelled(ctx, "client", func(ctx context.Context) {
			dsmp, err = attack(ctx, load{name: "profile-direct", targets: []vegeta.Target{dt},
				workers: uint64(opt.concurrency), duration: opt.duration})
		})
		pprof.StopCPUProfile()
		if err != nil {
			return err
		}
	}
	memf, err := os.Create(memPath)
	if err != nil {
		return err
	}
	defer memf.Close()
	if err := pprof.Lookup("allocs").WriteTo(memf, 0); err != nil {
		return fmt.Errorf("allocs profile: %w", err)
	}
	fmt.Fprintf(stdout, "in-process gateway, %s: %.1f req/s, p50 %.0f µs at %d workers; %v\n",
		l.name, smp.throughput(is2xx), us(smp.pct(50, is2xx)), l.workers, smp.codes())
	if dsmp != nil {
		fmt.Fprintf(stdout, "in-process direct: %.1f req/s, p50 %.0f µs; CPU profile %s\n",
			dsmp.throughput(is2xx), us(dsmp.pct(50, is2xx)), directPath)
	}
	fmt.Fprintf(stdout, "CPU profile %s, allocation profile %s\n\n", cpuPath, memPath)
	exe, _ := os.Executable()
	for _, f := range []struct {
		path string
		n    int
	}{{cpuPath, smp.count(nil)}, {directPath, dsmp.countOrZero()}} {
		if f.n == 0 {
			continue
		}
		if err := printRoleCPU(ctx, stdout, exe, f.path, f.n); err != nil {
			fmt.Fprintf(stderr, "pprof: %v\n", err)
		}
	}
	for _, args := range [][]string{
		{"tool", "pprof", "-top", "-nodecount=25", "-tagfocus=role=gateway", exe, cpuPath},
		{"tool", "pprof", "-top", "-cum", "-nodecount=40", "-tagfocus=role=gateway", exe, cpuPath},
		{"tool", "pprof", "-top", "-nodecount=25", "-sample_index=alloc_space", exe, memPath},
	} {
		fmt.Fprintf(stdout, "$ go %v\n", args[:len(args)-2])
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "pprof: %v\n", err)
		}
	}
	return nil
}

// printRoleCPU prints the CPU time per request of each role label in the
// profile at path (n requests), from `go tool pprof -tags`.
func printRoleCPU(ctx context.Context, w io.Writer, exe, path string, n int) error {
	out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-tags", "-tagfocus=role=", exe, path).Output()
	if err != nil {
		return fmt.Errorf("pprof -tags: %w", err)
	}
	roles, err := parseRoleTags(string(out))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: CPU per request over %d requests:", filepath.Base(path), n)
	for _, r := range []string{"client", "fake", "gateway"} {
		if d, ok := roles[r]; ok {
			fmt.Fprintf(w, "  %s %.0f µs", r, us(d)/float64(n))
		}
	}
	fmt.Fprintln(w)
	return nil
}
