package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/convexgw/convexgw/cmd/gatewaycmd"
	"github.com/convexgw/convexgw/examples/demo"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// profileEnv names, in the profiled gateway's environment, the file of its
// CPU profile; its allocation profiles go beside it (.allocs, .allocs.base).
const profileEnv = "GATEWAYBENCH_PROFILE"

// profileMemRate is the allocation sampling rate of the profiled gateway:
// finer than the default 512 KiB, still cheap.
const profileMemRate = 64 << 10

// serveGatewayChild is the profiled gateway's process: the demo gateway run
// exactly as its binary runs (gatewaycmd.Run with the environment the bench
// gives the gateway process: logger, GOMAXPROCS, settings), plus commands
// on stdin: "start" begins the CPU profile and records the allocations so
// far, "heap" writes the live heap, "stop" ends the CPU profile and writes
// the allocations since. It prints
// "started", then "ok" per command; when stdin closes it shuts the gateway
// down and exits with the gateway's code.
func serveGatewayChild(in *bufio.Reader) int {
	runtime.MemProfileRate = profileMemRate
	cpuPath := os.Getenv(profileEnv)
	if cpuPath == "" {
		fmt.Fprintln(os.Stderr, profileEnv+" is not set")
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- gatewaycmd.Run(ctx, nil, os.LookupEnv, io.Discard, os.Stderr,
			gatewaycmd.Options{Name: "demogateway", App: demo.New()})
	}()
	fmt.Println("started")
	var cpuf *os.File
	for {
		line, err := in.ReadString('\n')
		var cerr error
		switch cmd := trimLine(line); cmd {
		case "":
		case "start":
			cerr = writeProfile("allocs", cpuPath+".allocs.base")
			if cerr == nil {
				cpuf, cerr = os.Create(cpuPath)
			}
			if cerr == nil {
				cerr = pprof.StartCPUProfile(cpuf)
			}
		case "heap": // the live heap now, mid-load
			runtime.GC()
			cerr = writeProfile("heap", cpuPath+".heap")
		case "stop":
			pprof.StopCPUProfile()
			if cpuf != nil {
				cerr = cpuf.Close()
			}
			if werr := writeProfile("allocs", cpuPath+".allocs"); cerr == nil {
				cerr = werr
			}
		default:
			cerr = fmt.Errorf("unknown command %q", cmd)
		}
		if line != "" && trimLine(line) != "" {
			if cerr != nil {
				fmt.Fprintf(os.Stderr, "profiled gateway: %v\n", cerr)
				fmt.Println("error")
			} else {
				fmt.Println("ok")
			}
		}
		if err != nil { // stdin closed: the parent is done
			cancel()
			select {
			case code := <-done:
				return code
			case <-time.After(10 * time.Second):
				return 1
			}
		}
	}
}

func trimLine(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}

// writeProfile writes the named runtime profile to path: "allocs"
// (everything allocated since the process started, sampled) or "heap".
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// profileProxied is the -cpuprofile mode. The gateway runs in a child
// process of this binary as the demo gateway binary runs (see
// serveGatewayChild), with the bench's settings; the fake and the load
// generator stay in this process. After a warm-up, P1's proxied load (or,
// with -profile-login, P2's logins) runs for -duration while the gateway
// profiles itself: its CPU profile goes to cpuPath, the allocations made
// during the load to cpuPath.allocs (use `-base cpuPath.allocs.base`). It
// prints the gateway's CPU time per request (/proc) and its top costs.
func profileProxied(ctx context.Context, opt options, cpuPath string, stdout, stderr io.Writer) error {
	cpuPath, err := filepath.Abs(cpuPath)
	if err != nil {
		return err
	}
	dir, err := mkTemp()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fake, err := startFake("dev:bench"+randomHex(8), "tasks:list")
	if err != nil {
		return err
	}
	defer fake.close()
	s := gwSettings{convexURL: fake.url, deployKey: fake.deployKey, identityMode: opt.identity,
		callTimeout: opt.callTimeout, logLevel: opt.logLevel}
	if s.identityMode == "jwt" {
		if s.signingKeyFile, err = writeSigningKey(dir); err != nil {
			return err
		}
	}
	if s.listenAddr, err = freeAddr(); err != nil {
		return err
	}
	env := s.env()
	for k, v := range opt.gatewayEnv {
		env[k] = v
	}
	logf, err := os.Create(filepath.Join(dir, "gateway.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	gw, err := startChildWith(ctx, childGateway, append(environ(env), profileEnv+"="+cpuPath), logf, nil)
	if err != nil {
		return err
	}
	defer gw.stop()
	b := &bench{opt: opt, log: stderr, fake: fake, base: "http://" + s.listenAddr}
	b.issuer = b.base
	if err := waitHealthy(ctx, nil, b.base+"/healthz", 20*time.Second); err != nil {
		return err
	}
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
	if err := gw.command("start", 10*time.Second); err != nil {
		return err
	}
	m := startCPU(gw.pid)
	heapErr := make(chan error, 1)
	mid := time.AfterFunc(l.duration/2, func() { heapErr <- gw.command("heap", 30*time.Second) })
	smp, err := attack(ctx, l)
	cpuOK := m.stop()
	if mid.Stop() {
		heapErr <- nil // the load ended before its middle (interrupted)
	}
	if herr := <-heapErr; err == nil {
		err = herr
	}
	if serr := gw.command("stop", 30*time.Second); err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	n := smp.count(nil)
	fmt.Fprintf(stdout, "gateway process, %s: %.0f req/s, p50 %.0f µs at %d workers; %v\n",
		l.name, smp.throughput(is2xx), us(smp.pct(50, is2xx)), l.workers, smp.codes())
	if cpuOK && n > 0 {
		fmt.Fprintf(stdout, "CPU per request: gateway process %.0f µs, bench process (load generator + fake) %.0f µs\n",
			us(m.Gate)/float64(n), us(m.Self)/float64(n))
	}
	fmt.Fprintf(stdout, "CPU profile %s, allocations %s.allocs (base %s.allocs.base), live heap mid-load %s.heap\n\n",
		cpuPath, cpuPath, cpuPath, cpuPath)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	for _, args := range [][]string{
		{"tool", "pprof", "-top", "-nodecount=30", exe, cpuPath},
		{"tool", "pprof", "-top", "-cum", "-nodecount=50", exe, cpuPath},
		{"tool", "pprof", "-top", "-nodecount=30", "-sample_index=alloc_space", "-base", cpuPath + ".allocs.base", exe, cpuPath + ".allocs"},
		{"tool", "pprof", "-top", "-nodecount=20", "-sample_index=inuse_space", exe, cpuPath + ".heap"},
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
