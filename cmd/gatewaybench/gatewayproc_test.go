package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as a child process: a tiny health
// server (helper "serve"), or a process that ignores SIGTERM ("stubborn").
func TestMain(m *testing.M) {
	if kind := os.Getenv(childEnv); kind != "" { // a null server's process (startChild)
		os.Exit(serveChild(kind))
	}
	switch os.Getenv("GATEWAYBENCH_HELPER") {
	case "serve":
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
		srv := &http.Server{Addr: os.Getenv("LISTEN_ADDR"), Handler: mux}
		go func() {
			ch := make(chan os.Signal, 1)
			signal.Notify(ch, syscall.SIGTERM)
			<-ch
			srv.Close()
		}()
		_ = srv.ListenAndServe()
		os.Exit(0)
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
		os.Stdout.WriteString("stubborn up\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	case "fail":
		os.Stderr.WriteString("bad config: SESSION_SECRET\n")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

func startHelper(t *testing.T, kind string, env ...string) *proc {
	t.Helper()
	env = append(environ(nil), append(env, "GATEWAYBENCH_HELPER="+kind)...)
	p, err := startProc(os.Args[0], nil, env, filepath.Join(t.TempDir(), kind+".log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.stop(time.Second) })
	return p
}

func TestProcHealthyThenStop(t *testing.T) {
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p := startHelper(t, "serve", "LISTEN_ADDR="+addr)
	if err := waitHealthy(context.Background(), p, "http://"+addr+"/healthz", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := readMemStatus(p.pid()); err != nil && !os.IsNotExist(err) {
		t.Logf("mem status: %v", err)
	}
	p.stop(5 * time.Second)
	if !p.exited() {
		t.Fatal("still running after stop")
	}
	p.stop(time.Second) // idempotent
}

func TestProcKilledAfterGrace(t *testing.T) {
	p := startHelper(t, "stubborn")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.tail(100), "stubborn up") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	p.stop(200 * time.Millisecond)
	if !p.exited() {
		t.Fatal("not killed")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("stop took %v", d)
	}
}

func TestWaitHealthyReportsEarlyExit(t *testing.T) {
	p := startHelper(t, "fail")
	err := waitHealthy(context.Background(), p, "http://127.0.0.1:1/healthz", 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "SESSION_SECRET") {
		t.Fatalf("err = %v, want the child's log in it", err)
	}
}

func TestEnvironAndSettings(t *testing.T) {
	s := gwSettings{listenAddr: "127.0.0.1:9", convexURL: "http://127.0.0.1:8", deployKey: "dev:k",
		identityMode: "admin", callTimeout: time.Second, logLevel: "info"}
	env := s.env()
	for k, want := range map[string]string{"PUBLIC_URL": "http://127.0.0.1:9", "CONVEX_TIMEOUT": "1s",
		"API_RATE": "0", "BCRYPT_COST": "10", "SECURE_COOKIES": "false"} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	if len(env["SESSION_SECRET"]) < 32 || env["SESSION_SECRET"] == env["CSRF_SECRET"] {
		t.Error("secrets must be random and long enough")
	}
	if _, ok := env["SIGNING_KEY_FILE"]; ok {
		t.Error("no signing key in admin mode")
	}
	lines := environ(map[string]string{"B": "2", "A": "1"})
	if i, j := indexOf(lines, "A=1"), indexOf(lines, "B=2"); i < 0 || j != i+1 {
		t.Errorf("environ = %v", lines)
	}
	key, err := writeSigningKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(key); !strings.Contains(string(b), "BEGIN PRIVATE KEY") {
		t.Error("not a PKCS#8 PEM")
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
