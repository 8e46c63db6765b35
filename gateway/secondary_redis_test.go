package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// redisRunner is a fast runner on the Redis at url, with its own client.
func redisRunner(t *testing.T, url, consumer string, cfg SecondaryConfig) (*Secondary, *redis.Client) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rc := redis.NewClient(opt)
	t.Cleanup(func() { _ = rc.Close() })
	cfg.Redis, cfg.Consumer, cfg.Prefix = rc, consumer, "sectest:"
	return fastRunner(cfg), rc
}

// counter counts task runs per task argument.
type counter struct {
	mu   sync.Mutex
	runs map[int]int
}

func (c *counter) fn(fail *atomic.Bool) TaskFunc {
	return func(_ context.Context, raw json.RawMessage) error {
		var a taskArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		if fail != nil && fail.Load() {
			return &convexclient.HTTPError{Status: 503}
		}
		c.mu.Lock()
		if c.runs == nil {
			c.runs = map[int]int{}
		}
		c.runs[a.N]++
		c.mu.Unlock()
		return nil
	}
}

func (c *counter) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.runs)
}

func TestSecondaryRedisDeliversAndDeletes(t *testing.T) {
	url, _ := startRedis(t)
	s, rc := redisRunner(t, url, "a", SecondaryConfig{})
	var c counter
	s.Register("k", c.fn(nil))
	for i := range 20 { // enqueued before Start: they wait in the stream
		if !s.Enqueue(routes.WithRequestID(context.Background(), "rid"), "k", taskArgs{N: i}) {
			t.Fatal("Enqueue refused")
		}
	}
	s.Start()
	waitFor(t, "20 tasks", func() bool { return c.distinct() == 20 })
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := rc.XLen(context.Background(), "sectest:secondary:tasks").Val(); n != 0 {
		t.Errorf("%d entries left in the stream after success", n)
	}
	if st := s.Stats(); st.Queued != 20 || st.Done != 20 || !s.Durable() {
		t.Errorf("stats = %+v", st)
	}
}

// Issue 16, failure 5: kill -9 lost every queued task. A replica that dies
// holding tasks leaves them pending in the stream; another consumer claims
// them after ClaimIdle and runs them.
func TestSecondaryRedisDeadConsumerTasksClaimed(t *testing.T) {
	url, _ := startRedis(t)
	dead, _ := redisRunner(t, url, "dead", SecondaryConfig{Timeout: time.Hour})
	took := make(chan struct{}, 10)
	dead.Register("k", func(ctx context.Context, _ json.RawMessage) error { took <- struct{}{}; <-ctx.Done(); return ctx.Err() })
	dead.Start()
	for i := range 5 {
		dead.Enqueue(context.Background(), "k", taskArgs{N: i})
	}
	<-took
	waitFor(t, "the dead replica to read all 5", func() bool { return dead.Stats().Pending == 5 })
	// "Dies": its attempts end and nothing is acknowledged; it stops renewing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = dead.Drain(ctx)

	alive, rc := redisRunner(t, url, "alive", SecondaryConfig{ClaimIdle: 100 * time.Millisecond})
	var c counter
	alive.Register("k", c.fn(nil))
	alive.Start()
	waitFor(t, "the 5 tasks to be claimed and run", func() bool { return c.distinct() == 5 })
	if err := alive.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := alive.Stats(); st.Claimed != 5 || st.Done != 5 {
		t.Errorf("stats = %+v", st)
	}
	if n := rc.XLen(context.Background(), "sectest:secondary:tasks").Val(); n != 0 {
		t.Errorf("%d entries left", n)
	}
}

// A live replica's tasks waiting for a retry are renewed, never claimed by
// another; they run once the backend is back.
func TestSecondaryRedisRetryingTasksNotStolen(t *testing.T) {
	url, _ := startRedis(t)
	var fail atomic.Bool
	fail.Store(true)
	var ca, cb counter
	a, _ := redisRunner(t, url, "a", SecondaryConfig{ClaimIdle: 80 * time.Millisecond})
	a.Register("k", ca.fn(&fail))
	a.Start()
	for i := range 3 {
		a.Enqueue(context.Background(), "k", taskArgs{N: i})
	}
	waitFor(t, "retries", func() bool { return a.Stats().Retried >= 3 })
	b, _ := redisRunner(t, url, "b", SecondaryConfig{ClaimIdle: 80 * time.Millisecond})
	b.Register("k", cb.fn(nil))
	b.Start()
	waitFor(t, "several claim periods of b", func() bool { return a.Stats().Retried >= 60 })
	fail.Store(false)
	waitFor(t, "a to deliver", func() bool { return ca.distinct() == 3 })
	_ = a.Drain(context.Background())
	_ = b.Drain(context.Background())
	if b.Stats().Claimed != 0 || cb.distinct() != 0 {
		t.Errorf("b stole tasks a was retrying: %+v", b.Stats())
	}
}

func TestSecondaryRedisDeadLetterStream(t *testing.T) {
	url, _ := startRedis(t)
	clk := newClock()
	s, rc := redisRunner(t, url, "a", SecondaryConfig{Now: clk.Now, MaxAge: time.Minute})
	s.Register("k", func(context.Context, json.RawMessage) error {
		clk.Advance(40 * time.Second)
		return &convexclient.HTTPError{Status: 503}
	})
	s.Register("bad", func(context.Context, json.RawMessage) error {
		return &convexclient.FunctionError{Path: "x:y", Message: "secret args"}
	})
	s.Start()
	s.Enqueue(routes.WithRequestID(context.Background(), "rid-dl"), "k", taskArgs{N: 1})
	s.Enqueue(context.Background(), "bad", taskArgs{N: 2})
	waitFor(t, "both tasks to end", func() bool { st := s.Stats(); return st.DeadLettered == 1 && st.Failed == 1 })
	_ = s.Drain(context.Background())
	ctx := context.Background()
	if n := rc.XLen(ctx, "sectest:secondary:tasks").Val(); n != 0 {
		t.Errorf("%d entries left in the task stream", n)
	}
	dead := rc.XRange(ctx, "sectest:secondary:dead", "-", "+").Val()
	if len(dead) != 2 {
		t.Fatalf("dead letters = %+v", dead)
	}
	byKind := map[string]map[string]any{}
	for _, m := range dead {
		byKind[m.Values["kind"].(string)] = m.Values
	}
	if v := byKind["k"]; v["rid"] != "rid-dl" || v["args"] != `{"n":1}` || v["attempts"] != "2" ||
		!strings.HasPrefix(v["error"].(string), "max age: ") {
		t.Errorf("max-age dead letter = %+v", v)
	}
	if v := byKind["bad"]; v["error"] != "failed: convex function x:y failed (details in the Convex logs)" {
		t.Errorf("failed dead letter = %+v", v)
	}
}

// Drain leaves undelivered tasks in the stream (never cancels them into
// loss); the next process runs them.
func TestSecondaryRedisDrainLeavesTasksForTheNext(t *testing.T) {
	url, _ := startRedis(t)
	var fail atomic.Bool
	fail.Store(true)
	var c counter
	first, _ := redisRunner(t, url, "first", SecondaryConfig{})
	first.Register("k", c.fn(&fail))
	first.Start()
	for i := range 30 {
		first.Enqueue(context.Background(), "k", taskArgs{N: i})
	}
	waitFor(t, "every task to fail once", func() bool { return first.Stats().Retried >= 30 })
	if err := first.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := first.Stats(); st.Dropped != 0 || st.Pending != 0 {
		t.Errorf("first: %+v", st)
	}
	if !first.Enqueue(context.Background(), "k", taskArgs{N: 30}) { // while draining: still to the stream
		t.Error("Enqueue refused while draining with Redis")
	}
	fail.Store(false)
	next, _ := redisRunner(t, url, "next", SecondaryConfig{ClaimIdle: 50 * time.Millisecond})
	next.Register("k", c.fn(nil))
	next.Start()
	waitFor(t, "all 31 tasks", func() bool { return c.distinct() == 31 })
	_ = next.Drain(context.Background())
}

// When Redis cannot take a task, it is held in memory instead of lost.
func TestSecondaryRedisDownHoldsInMemory(t *testing.T) {
	url, stop := startRedis(t)
	s, _ := redisRunner(t, url, "a", SecondaryConfig{})
	var c counter
	s.Register("k", c.fn(nil))
	s.Start()
	stop()
	if !s.Enqueue(context.Background(), "k", taskArgs{N: 1}) {
		t.Fatal("Enqueue dropped the task while Redis is down")
	}
	waitFor(t, "the task", func() bool { return c.distinct() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Drain(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
}
