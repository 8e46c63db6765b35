package auth

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// hangingStore blocks every call until its context ends (a frozen Redis),
// counting the calls that reached it.
type hangingStore struct {
	Store
	calls atomic.Int32
}

func (h *hangingStore) Marked(ctx context.Context, _ string, _ time.Time) (time.Time, bool, error) {
	h.calls.Add(1)
	<-ctx.Done()
	return time.Time{}, false, storeErr("marked", ctx.Err())
}

func (h *hangingStore) GetSession(ctx context.Context, _, _ string, _ time.Time) (SessionRecord, bool, error) {
	h.calls.Add(1)
	<-ctx.Done()
	return SessionRecord{}, false, storeErr("get session", ctx.Err())
}

type stateLog struct {
	mu  sync.Mutex
	log []string
}

func (l *stateLog) hook(from, to StoreState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, from.String()+">"+to.String())
}

func (l *stateLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.log, ",")
}

// TestResilientStoreHang: a hanging store costs each call the timeout
// (an ErrStore error that does not look like a backend timeout), then the
// breaker opens and calls fail at once without reaching the store.
func TestResilientStoreHang(t *testing.T) {
	inner := &hangingStore{}
	var states stateLog
	s := NewResilientStore(inner, ResilientStoreConfig{Timeout: 5 * time.Millisecond, MinRequests: 4, OpenFor: time.Hour, OnStateChange: states.hook})
	for i := range 4 {
		_, _, err := s.Marked(bg, "k", time.Now())
		if !errors.Is(err, ErrStore) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrStoreUnavailable) {
			t.Fatalf("call %d = %v, want an ErrStore timeout", i, err)
		}
	}
	if s.State() != StoreOpen || states.String() != "closed>open" {
		t.Fatalf("state %v, transitions %q; want open", s.State(), states.String())
	}
	for range 100 {
		if _, _, err := s.GetSession(bg, "u", "s", time.Now()); !errors.Is(err, ErrStoreUnavailable) || !errors.Is(err, ErrStore) {
			t.Fatalf("call with the breaker open = %v, want ErrStoreUnavailable", err)
		}
	}
	if n := inner.calls.Load(); n != 4 {
		t.Fatalf("store reached %d times, want 4 (none while open)", n)
	}
}

// The caller's own cancellation is not the store's fault: never counted.
func TestResilientStoreCallerCancel(t *testing.T) {
	inner := &hangingStore{}
	s := NewResilientStore(inner, ResilientStoreConfig{Timeout: time.Hour, MinRequests: 1})
	for range 20 {
		ctx, cancel := context.WithCancel(bg)
		cancel()
		if _, _, err := s.Marked(ctx, "k", time.Now()); !errors.Is(err, context.Canceled) || errors.Is(err, ErrStore) {
			t.Fatalf("cancelled call = %v, want context.Canceled", err)
		}
	}
	if s.State() != StoreClosed {
		t.Fatalf("caller cancellations opened the breaker: %v", s.State())
	}
}

// ErrStoreFull and ErrConfig are the store working as designed.
func TestResilientStoreFullIsNotAFailure(t *testing.T) {
	clk := newClock()
	mem := NewMemoryStore(MemoryStoreConfig{MaxMarks: 1})
	s := NewResilientStore(mem, ResilientStoreConfig{MinRequests: 1})
	_ = s.Mark(bg, "a", clk.Now(), clk.Now().Add(time.Hour))
	for range 20 {
		if err := s.Mark(bg, "b", clk.Now(), clk.Now().Add(time.Hour)); !errors.Is(err, ErrStoreFull) {
			t.Fatalf("Mark = %v, want ErrStoreFull", err)
		}
		if _, err := s.GCRA(bg, "g", clk.Now(), 0, 1); !errors.Is(err, ErrConfig) {
			t.Fatalf("GCRA = %v, want ErrConfig", err)
		}
	}
	if s.State() != StoreClosed {
		t.Fatalf("ErrStoreFull opened the breaker")
	}
}

// TestResilientStoreRedisDownAndBack: with Redis unreachable every call is
// an ErrStore error and the breaker opens; once Redis answers again a probe
// closes it. The same contract as the store suite holds through the wrapper.
func TestResilientStoreRedisDownAndBack(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := l.Addr().String()
	_ = l.Close()
	opts := &redis.Options{Addr: deadAddr}
	TuneRedisOptions(opts)
	down := redis.NewClient(opts)
	defer down.Close()
	var states stateLog
	s := NewResilientStore(NewRedisStore(down, testPrefix(t)), ResilientStoreConfig{MinRequests: 3, OpenFor: 20 * time.Millisecond, OnStateChange: states.hook})
	clk := newClock()
	for range 3 {
		if _, err := s.Attempt(bg, "fail:{x}", "lock:{x}", clk.Now(), time.Minute, 5, time.Minute); !errors.Is(err, ErrStore) {
			t.Fatalf("Attempt with Redis down = %v", err)
		}
	}
	if _, err := s.PutSession(bg, testRecord("u", "s", clk.Now(), time.Hour), clk.Now(), 5); !errors.Is(err, ErrStoreUnavailable) {
		t.Fatalf("with the breaker open = %v", err)
	}
	// "Redis comes back": the same wrapper over a reachable server.
	s.inner = NewRedisStoreWith(newRedisClient(t), RedisStoreConfig{Prefix: testPrefix(t), CallerClock: true})
	waitFor(t, "the breaker to let a probe through", func() bool { return s.State() == StoreHalfOpen })
	if _, err := s.PutSession(bg, testRecord("u", "s", clk.Now(), time.Hour), clk.Now(), 5); err != nil {
		t.Fatalf("probe = %v", err)
	}
	if s.State() != StoreClosed || states.String() != "closed>open,open>half-open,half-open>closed" {
		t.Fatalf("state %v, transitions %q", s.State(), states.String())
	}
}

// The wrapper passes the whole Store contract through.
func TestResilientStoreSuite(t *testing.T) {
	wrap := func(t testing.TB) Store {
		return NewResilientStore(NewMemoryStore(MemoryStoreConfig{}), ResilientStoreConfig{})
	}
	testStoreSuite(t, wrap)
	testAttemptSuite(t, wrap)
	testValueSuite(t, wrap)
	testSessionStoreSuite(t, wrap)
}

func TestTuneRedisOptions(t *testing.T) {
	o, err := redis.ParseURL("redis://127.0.0.1:6379/0?read_timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	TuneRedisOptions(o)
	if o.ReadTimeout != 2*time.Second || o.DialTimeout != RedisDialTimeout || o.WriteTimeout != RedisWriteTimeout ||
		o.PoolTimeout != RedisPoolTimeout || o.MaxRetries != 1 || o.DialerRetries != 1 || !o.ContextTimeoutEnabled {
		t.Fatalf("tuned options = %+v", o)
	}
	noRetry := &redis.Options{MaxRetries: -1}
	TuneRedisOptions(noRetry)
	if noRetry.MaxRetries != -1 {
		t.Fatal("an explicit MaxRetries was overridden")
	}
}
