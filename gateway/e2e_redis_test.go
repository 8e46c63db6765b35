package gateway

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startRedis runs a real redis-server on a free loopback port for the test
// (or uses REDIS_URL). It returns the URL and a function stopping it.
func startRedis(t *testing.T) (url string, stop func()) {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u, func() {}
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server not found")
		}
		t.Skip("redis-server not found")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	for deadline := time.Now().Add(10 * time.Second); rc.Ping(context.Background()).Err() != nil; {
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "redis://" + addr + "/0", stop
}

// TestE2ERedisSharedLockout: two replicas share REDIS_URL, so an account
// locked through one is locked on the other; /readyz reports Redis.
func TestE2ERedisSharedLockout(t *testing.T) {
	redisURL, stopRedis := startRedis(t)
	fb := newFakeBackend(t, demoUsers...)
	cfg := testConfig(fb.URL)
	cfg.RedisURL, cfg.LockoutMax = Secret(redisURL), 2
	g1 := startGateway(t, cfg, Options{})
	g2 := startGateway(t, cfg, Options{})
	b1, b2 := newBrowser(t, g1), newBrowser(t, g2)
	for range 2 {
		if r := b1.login("admin@test.dev", "wrong"); r.status != http.StatusUnauthorized {
			t.Fatalf("failure: %d %s", r.status, r.body)
		}
	}
	if r := b2.login("admin@test.dev", "right-pass"); r.status != http.StatusTooManyRequests || r.errCode(t) != "account_locked" {
		t.Errorf("other replica: %d %s", r.status, r.body)
	}
	if r := newAdmin(t, g2).do(http.MethodGet, "/readyz", "", nil); r.status != 200 || !strings.Contains(string(r.body), `"redis":{"ok":true`) {
		t.Errorf("readyz: %d %s", r.status, r.body)
	}
	if os.Getenv("REDIS_URL") != "" {
		return
	}
	stopRedis()
	if r := newAdmin(t, g2).do(http.MethodGet, "/readyz", "", nil); r.status != 503 || !strings.Contains(string(r.body), "redis unreachable") {
		t.Errorf("readyz without redis: %d %s", r.status, r.body)
	}
}
