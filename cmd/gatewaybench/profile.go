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

	"convexgw/gateway"

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
// goroutines; P1's proxied load runs for -duration under the CPU profiler;
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
	g, err := gateway.New(cfg, gateway.Options{Logger: log})
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
	b := &bench{opt: opt, log: stderr, fake: fake, base: g.URL()}
	if s.identityMode == "jwt" {
		if err := b.trustGatewayJWKS(ctx); err != nil {
			return err
		}
	}
	if b.cookie, err = login(ctx, b.base, benchAccounts[2]); err != nil {
		return err
	}
	if _, err := getOK(ctx, b.base+"/api/tasks", b.cookie); err != nil {
		return err
	}
	l := load{name: "profile-gateway", targets: []vegeta.Target{b.tasksTarget()}, workers: uint64(opt.concurrency),
		duration: opt.duration}
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
	memf, err := os.Create(memPath)
	if err != nil {
		return err
	}
	defer memf.Close()
	if err := pprof.Lookup("allocs").WriteTo(memf, 0); err != nil {
		return fmt.Errorf("allocs profile: %w", err)
	}
	fmt.Fprintf(stdout, "in-process gateway: %.0f req/s, p50 %.0f µs at %d workers; %v\n",
		smp.throughput(is2xx), us(smp.pct(50, is2xx)), opt.concurrency, smp.codes())
	fmt.Fprintf(stdout, "CPU profile %s, allocation profile %s\n\n", cpuPath, memPath)
	exe, _ := os.Executable()
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
