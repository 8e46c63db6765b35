package faultsuite

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// row is one line of the table printed at the end of the run.
type row struct{ fault, expected, observed, verdict string }

var (
	rowsMu sync.Mutex
	rows   []row
)

// report records the outcome of a fault for the final table; ok false
// also fails the test.
func report(t *testing.T, fault, expected, observed string, ok bool) {
	t.Helper()
	v := "ok"
	if !ok {
		v = "FAIL"
		t.Errorf("%s: expected %s, observed %s", fault, expected, observed)
	}
	rowsMu.Lock()
	rows = append(rows, row{fault, expected, observed, v})
	rowsMu.Unlock()
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "faultsuite")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	keyDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if len(rows) > 0 {
		var buf bytes.Buffer
		w := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "\nFAULT\tEXPECTED\tOBSERVED\tVERDICT")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.fault, r.expected, r.observed, r.verdict)
		}
		w.Flush()
		// stdout (go test -v shows it) and, when FAULTSUITE_REPORT names a
		// file, there too: CI prints it after the README's go test -race
		// ./..., which hides the output of passing packages.
		os.Stdout.Write(buf.Bytes())
		if path := os.Getenv("FAULTSUITE_REPORT"); path != "" {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "faultsuite report:", err)
			}
		}
	}
	os.Exit(code)
}

// redisServer is a redis-server on a fixed loopback port with an
// append-only file, so that it can be killed and restarted with its data.
type redisServer struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found")
		}
		t.Skip("redis-server not found")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &redisServer{t: t, port: ln.Addr().(*net.TCPAddr).Port, dir: t.TempDir()}
	ln.Close()
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *redisServer) url() string { return "redis://127.0.0.1:" + strconv.Itoa(r.port) + "/0" }

func (r *redisServer) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--loglevel", "warning",
		"--enable-debug-command", "local") // DEBUG SLEEP freezes it
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(r.cmd, r.done)
	rc := r.client()
	defer rc.Close()
	if !eventually(10*time.Second, func() bool { return rc.Ping(context.Background()).Err() == nil }) {
		r.t.Fatal("redis-server did not start")
	}
}

// kill sends SIGKILL and reaps the process.
func (r *redisServer) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		<-r.done
		r.cmd = nil
	}
}

// freeze makes Redis unresponsive for d (DEBUG SLEEP blocks its one
// thread); the returned channel is closed when it answers again.
func (r *redisServer) freeze(d time.Duration) <-chan struct{} {
	rc := r.client()
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer close(done)
		defer rc.Close()
		errc <- rc.Do(context.Background(), "DEBUG", "SLEEP", fmt.Sprintf("%.3f", d.Seconds())).Err()
	}()
	time.Sleep(50 * time.Millisecond) // let the command reach Redis before the test's requests
	select {
	case err := <-errc:
		r.t.Fatalf("DEBUG SLEEP: %v", err)
	default:
	}
	return done
}

func (r *redisServer) client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(r.port), MaxRetries: -1})
}

// gatewayBinary builds ./cmd/gateway once per run.
var gatewayBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(keyDir, "gateway")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/convexgw/convexgw/cmd/gateway")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/gateway: %w\n%s", err, out.String())
	}
	return bin, nil
})

// proc is a gateway process.
type proc struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
	log  bytes.Buffer
}

// startProc runs the gateway binary with env (LISTEN_ADDR and PUBLIC_URL
// filled in) and waits until /healthz answers.
func startProc(t *testing.T, env map[string]string) *proc {
	t.Helper()
	bin, err := gatewayBinary()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &proc{url: "http://" + addr, done: make(chan struct{})}
	p.cmd = exec.Command(bin)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LISTEN_ADDR=" + addr, "PUBLIC_URL=http://" + addr}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.log, &p.log
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("gateway log:\n%s", p.log.String())
		}
	})
	c := newClient(p.url)
	if !eventually(15*time.Second, func() bool { return c.do("GET", "/healthz", "").status == 200 }) {
		t.Fatalf("gateway did not start:\n%s", p.log.String())
	}
	return p
}

// procEnv is the environment of a gateway process against b.
func procEnv(t *testing.T, b *backend) map[string]string {
	return map[string]string{
		"CONVEX_URL": b.proxy.URL(), "CONVEX_DEPLOY_KEY": deployKey, "IDENTITY_MODE": "jwt",
		"SIGNING_KEY_FILE": signingKeyFile(t), "PASSTHROUGH_EXPOSE": "tasks:list",
		"SESSION_SECRET": sessionSecret, "CSRF_SECRET": csrfSecret,
		"SECURE_COOKIES": "false", "BCRYPT_COST": "4", "LOCKOUT_MAX_FAILURES": "1000000",
		"LOGIN_RATE": "6000000", "LOGIN_BURST": "1000000", "API_RATE": "0", "LOG_LEVEL": "warn",
		"LOGIN_ACCOUNT_RATE": "6000000", "LOGIN_ACCOUNT_BURST": "2000000",
		"ALLOW_INSECURE": "bcrypt-cost,lockout", "ADMIN_ADDR": "127.0.0.1:0",
		"SECONDARY_MAX_BACKOFF": "100ms",
	}
}
