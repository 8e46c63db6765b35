package convexclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testKey   = "prod:happy-animal-123|c2VjcmV0LWRlcGxveS1rZXk"
	testToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl"
)

// fakeClock is an injected clock for breaker hints.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// recorder captures what the test server received.
type recorder struct {
	mu     sync.Mutex
	hits   atomic.Int64
	bodies []string
	heads  []http.Header
	paths  []string
}

func (r *recorder) record(req *http.Request) string {
	b, _ := io.ReadAll(req.Body)
	r.hits.Add(1)
	r.mu.Lock()
	r.bodies = append(r.bodies, string(b))
	r.heads = append(r.heads, req.Header.Clone())
	r.paths = append(r.paths, req.URL.Path)
	r.mu.Unlock()
	return string(b)
}

func (r *recorder) last() (path, body string, h http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.bodies) - 1
	return r.paths[n], r.bodies[n], r.heads[n]
}

// harness is a client wired to a loopback httptest server (go-github's setup).
type harness struct {
	c      *Client
	srv    *httptest.Server
	rec    *recorder
	mu     sync.Mutex
	events []CallEvent
	delays []time.Duration
	clock  *fakeClock
}

// setup starts a server answering with h (after recording the request) and
// a client for it with instant, recorded back-off sleeps. mod adjusts the config.
func setup(t *testing.T, h http.HandlerFunc, mod ...func(*Config)) *harness {
	t.Helper()
	hs := &harness{rec: &recorder{}, clock: &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}
	hs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.rec.record(r)
		h(w, r)
	}))
	t.Cleanup(hs.srv.Close)
	cfg := Config{
		URL:       hs.srv.URL,
		DeployKey: testKey,
		OnCall: func(ev CallEvent) {
			hs.mu.Lock()
			hs.events = append(hs.events, ev)
			hs.mu.Unlock()
		},
	}
	cfg.now = hs.clock.now
	cfg.sleep = func(ctx context.Context, d time.Duration) error {
		hs.mu.Lock()
		hs.delays = append(hs.delays, d)
		hs.mu.Unlock()
		return ctx.Err()
	}
	cfg.jitter = func(n int64) int64 { return n - 1 } // the ceiling, minus 1ns
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs.c = c
	return hs
}

func (hs *harness) lastEvent(t *testing.T) CallEvent {
	t.Helper()
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if len(hs.events) == 0 {
		t.Fatal("no CallEvent")
	}
	return hs.events[len(hs.events)-1]
}

// reply writes a fixed status and body.
func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestNewValidatesAtOnce(t *testing.T) {
	_, err := New(Config{URL: "https://x.convex.site", Timeout: -1, ClientVersion: "v1"})
	if !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("err = %v, want ErrNotConfigured", err)
	}
	for _, want := range []string{"CONVEX_URL", "Timeout", "ClientVersion", ".convex.cloud"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLazyResolvesOnceAndDoesNotCacheFailure(t *testing.T) {
	srv := httptest.NewServer(reply(200, `{"status":"success","value":1.0}`))
	defer srv.Close()
	var calls atomic.Int64
	var url atomic.Value
	url.Store("")
	c := NewLazy(func() (Config, error) {
		calls.Add(1)
		return Config{URL: url.Load().(string), URLSetting: "MY_CONVEX_URL"}, nil
	})
	if c.State() != StateClosed {
		t.Fatal("unconfigured State should be closed")
	}
	err := c.Query(context.Background(), "a:b", nil, nil)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Setting != "MY_CONVEX_URL" || !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("err = %v, want ConfigError naming MY_CONVEX_URL", err)
	}
	if err := c.Ready(); err == nil {
		t.Fatal("Ready() = nil before configuration")
	}
	url.Store(srv.URL)
	if err := c.Ready(); err != nil {
		t.Fatalf("Ready() = %v after fixing the URL", err)
	}
	n := calls.Load()
	var out float64
	if err := c.Query(context.Background(), "a:b", nil, &out); err != nil || out != 1 {
		t.Fatalf("Query = %v, %v", out, err)
	}
	url.Store("")
	if err := c.Ready(); err != nil || calls.Load() != n {
		t.Fatalf("resolved client re-resolved: calls %d -> %d, err %v", n, calls.Load(), err)
	}
}

func TestLazyResolverError(t *testing.T) {
	c := NewLazy(func() (Config, error) { return Config{}, errors.New("vault down") })
	err := c.Ready()
	if !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), "could not be loaded") {
		t.Fatalf("err = %v", err)
	}
	if err := NewLazy(nil).Ready(); !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), "CONVEX_URL") {
		t.Fatalf("nil resolver: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	hs := setup(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":"success","value":{"n":{"$integer":"KgAAAAAAAAA="}}}`)
	})
	lazy := NewLazy(func() (Config, error) { return Config{URL: hs.srv.URL}, nil })
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := hs.c
			if i%2 == 0 {
				c = lazy
			}
			var out struct{ N int64 }
			ctx := WithCredential(context.Background(), UserToken(testToken))
			if err := c.Query(ctx, "tasks:list", map[string]any{"i": i}, &out); err != nil || out.N != 42 {
				errs <- errors.Join(err, errors.New("bad result"))
			}
			_ = c.State()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := hs.rec.hits.Load(); got != 64 {
		t.Fatalf("server hits = %d, want 64", got)
	}
}

func TestCloseIdleConnections(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`))
	NewLazy(nil).CloseIdleConnections() // unresolved: no-op
	if err := hs.c.Query(context.Background(), "a:b", nil, nil); err != nil {
		t.Fatal(err)
	}
	hs.c.CloseIdleConnections()
	if err := hs.c.Query(context.Background(), "a:b", nil, nil); err != nil {
		t.Fatalf("after CloseIdleConnections: %v", err)
	}
}
