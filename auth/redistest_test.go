package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testRedisServer is the redis-server this test binary starts on a free
// loopback port when REDIS_URL is unset. It is started on first use and
// stopped by TestMain.
type testRedisServer struct {
	once   sync.Once
	cmd    *exec.Cmd
	exited chan error // receives cmd.Wait's result
	addr   string
	skip   string // why Redis tests cannot run here
	err    error
}

var testRedis testRedisServer

func TestMain(m *testing.M) {
	code := m.Run()
	testRedis.stop()
	os.Exit(code)
}

// newRedisClient returns a client for the test Redis: REDIS_URL if set,
// otherwise a redis-server started here. Without a redis-server binary the
// test is skipped, or fails when CI=true.
func newRedisClient(t testing.TB) *redis.Client {
	t.Helper()
	var opts *redis.Options
	if u := os.Getenv("REDIS_URL"); u != "" {
		var err error
		if opts, err = redis.ParseURL(u); err != nil {
			t.Fatalf("REDIS_URL does not parse: %v", err)
		}
	} else {
		testRedis.once.Do(testRedis.start)
		if testRedis.skip != "" {
			if os.Getenv("CI") == "true" {
				t.Fatalf("Redis tests must run in CI: %s", testRedis.skip)
			}
			t.Skipf("skipping Redis test: %s (install redis-server or set REDIS_URL)", testRedis.skip)
		}
		if testRedis.err != nil {
			t.Fatalf("starting redis-server: %v", testRedis.err)
		}
		opts = &redis.Options{Addr: testRedis.addr}
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testPrefix returns a key prefix unique to this test run, so tests sharing
// one Redis never see each other's keys.
func testPrefix(t testing.TB) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "authtest:" + t.Name() + ":" + hex.EncodeToString(b) + ":"
}

func (s *testRedisServer) start() {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		s.skip = "redis-server not found in PATH"
		return
	}
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken before redis binds it
		if s.err = s.startOn(bin); s.err == nil {
			return
		}
	}
}

func (s *testRedisServer) startOn(bin string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	var out bytes.Buffer
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = &out, &out
	setPdeathsig(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			s.cmd, s.exited, s.addr = cmd, exited, addr
			return nil
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("redis-server exited (%v): %s", werr, out.String())
		case <-time.After(20 * time.Millisecond): // waiting for a process to listen, not for a clock rule
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server did not answer PING: %v", err)
		}
	}
}

func (s *testRedisServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		<-s.exited // reap it: no zombie left behind
	}
}
