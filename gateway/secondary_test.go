package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// fastRunner is a runner with millisecond back-offs and no jitter.
func fastRunner(cfg SecondaryConfig) *Secondary {
	cfg.BaseBackoff, cfg.MaxBackoff = time.Millisecond, 2*time.Millisecond
	cfg.Jitter = func(int64) int64 { return 0 }
	return NewSecondary(cfg)
}

// waitFor polls cond (a goroutine hand-off, not a clock rule) for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

type taskArgs struct {
	N int `json:"n"`
}

func TestSecondaryRetriesTransientFailure(t *testing.T) {
	transient := []error{
		&convexclient.UnavailableError{RetryAfter: time.Second},
		&convexclient.NetworkError{Path: "auth:updateLastLogin", Op: "read", Err: errors.New("connection reset")},
		&convexclient.HTTPError{Status: 503},
		&convexclient.HTTPError{Status: 429},
		fmt.Errorf("wrapped: %w", convexclient.ErrTimeout),
		fmt.Errorf("%w: %w", convexclient.ErrOutcomeUnknown, convexclient.ErrTimeout), // idempotent: retried
	}
	for _, terr := range transient {
		t.Run(terr.Error(), func(t *testing.T) {
			s := fastRunner(SecondaryConfig{})
			var calls atomic.Int32
			type seen struct {
				rid        string
				background bool
				args       taskArgs
			}
			got := make(chan seen, 3)
			s.Register("k", func(ctx context.Context, raw json.RawMessage) error {
				var a taskArgs
				_ = json.Unmarshal(raw, &a)
				got <- seen{routes.RequestIDFrom(ctx), convexclient.IsBackground(ctx), a}
				if calls.Add(1) == 1 {
					return terr
				}
				return nil
			})
			s.Start()
			ctx, cancel := context.WithCancel(routes.WithRequestID(context.Background(), "rid-1"))
			ok := s.Enqueue(ctx, "k", taskArgs{N: 7})
			cancel() // the request ends before the task runs: the task must not care
			if !ok {
				t.Fatal("Enqueue dropped")
			}
			if err := s.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("calls = %d, want 2 (one failure, one success)", n)
			}
			if sn := <-got; sn.rid != "rid-1" || !sn.background || sn.args.N != 7 {
				t.Errorf("task saw %+v", sn)
			}
			if st := s.Stats(); st.Retried != 1 || st.Done != 1 || st.Failed != 0 || st.Pending != 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

// Issue 16, failure 5: a task was abandoned after 5 attempts (≈1.5 s of
// 500s). It is now retried until its maximum age, however many attempts
// that takes.
func TestSecondaryRetriesUntilMaxAgeNotAttemptCount(t *testing.T) {
	clk := newClock()
	s := fastRunner(SecondaryConfig{Now: clk.Now, MaxAge: time.Hour})
	var calls atomic.Int32
	s.Register("k", func(context.Context, json.RawMessage) error {
		if calls.Add(1) <= 40 {
			clk.Advance(time.Minute) // 40 minutes of outage: still younger than an hour
			return &convexclient.HTTPError{Status: 500}
		}
		return nil
	})
	s.Start()
	s.Enqueue(context.Background(), "k", nil)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); calls.Load() != 41 || st.Done != 1 || st.Retried != 40 || st.DeadLettered != 0 || st.Dropped != 0 {
		t.Errorf("calls %d, stats %+v", calls.Load(), st)
	}
}

func TestSecondaryDeadLettersAtMaxAge(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	clk := newClock()
	s := fastRunner(SecondaryConfig{Now: clk.Now, MaxAge: 10 * time.Minute, Logger: zap.New(core)})
	var calls atomic.Int32
	s.Register("k", func(context.Context, json.RawMessage) error {
		calls.Add(1)
		clk.Advance(4 * time.Minute)
		return &convexclient.HTTPError{Status: 503}
	})
	s.Start()
	s.Enqueue(routes.WithRequestID(context.Background(), "rid-dead"), "k", nil)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Attempts at ages 0, 4 and 8 minutes fail; after the third the task is 12 minutes old.
	if st := s.Stats(); calls.Load() != 3 || st.Retried != 2 || st.DeadLettered != 1 || st.Done != 0 {
		t.Errorf("calls %d, stats %+v", calls.Load(), st)
	}
	dl := logs.FilterMessageSnippet("dead-lettered").All()
	if len(dl) != 1 || dl[0].Level != zap.ErrorLevel || dl[0].ContextMap()["request_id"] != "rid-dead" {
		t.Errorf("dead-letter log = %+v", dl)
	}
}

func TestSecondaryPermanentFailureNotRetried(t *testing.T) {
	for name, perr := range map[string]error{
		"function error": &convexclient.FunctionError{Path: "auth:updatePasswordHash", Message: "ArgumentValidationError: {passwordHash: \"$2a$12$secret\"}"},
		"bad request":    &convexclient.HTTPError{Status: 400},
		"cancelled":      context.Canceled,
	} {
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zap.InfoLevel)
			s := fastRunner(SecondaryConfig{Logger: zap.New(core)})
			var calls atomic.Int32
			s.Register("k", func(context.Context, json.RawMessage) error { calls.Add(1); return perr })
			s.Start()
			s.Enqueue(context.Background(), "k", nil)
			if err := s.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			if st := s.Stats(); calls.Load() != 1 || st.Failed != 1 || st.Retried != 0 {
				t.Errorf("calls %d, stats %+v", calls.Load(), st)
			}
			for _, e := range logs.All() {
				if strings.Contains(fmt.Sprint(e.ContextMap()), "secret") {
					t.Errorf("log shows the function's error text: %v", e.ContextMap())
				}
			}
		})
	}
}

func TestSecondaryDropsWhenFullAndLogs(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := fastRunner(SecondaryConfig{Workers: 1, QueueSize: 2, Logger: zap.New(core)})
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	s.Register("block", func(context.Context, json.RawMessage) error { started <- struct{}{}; <-release; return nil })
	s.Register("ok", func(context.Context, json.RawMessage) error { return nil })
	s.Start()
	s.Enqueue(context.Background(), "block", nil)
	<-started
	results := []bool{
		s.Enqueue(context.Background(), "ok", nil),
		s.Enqueue(routes.WithRequestID(context.Background(), "rid-drop"), "ok", nil),
		s.Enqueue(context.Background(), "unknown-kind", nil),
	}
	close(release)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if results[0] != true || results[1] != false || results[2] != false {
		t.Errorf("enqueue results = %v", results)
	}
	if st := s.Stats(); st.Dropped != 2 || st.Done != 2 || st.Queued != 2 {
		t.Errorf("stats = %+v", st)
	}
	full := logs.FilterMessage("secondary task dropped: queue full").All()
	if len(full) != 1 || full[0].ContextMap()["request_id"] != "rid-drop" {
		t.Errorf("drop log = %+v", logs.All())
	}
}

// Without Redis, Drain delivers what is queued (retrying while the
// deadline allows); what is still undelivered at the deadline is lost,
// and every loss is logged.
func TestSecondaryDrainDeliversThenLogsEveryLoss(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := fastRunner(SecondaryConfig{Workers: 2, Logger: zap.New(core)})
	var done atomic.Int32
	var failing atomic.Bool
	s.Register("k", func(ctx context.Context, _ json.RawMessage) error {
		if failing.Load() {
			return &convexclient.HTTPError{Status: 503}
		}
		done.Add(1)
		return nil
	})
	s.Start()
	for range 60 {
		s.Enqueue(context.Background(), "k", nil)
	}
	if err := s.Drain(context.Background()); err != nil || done.Load() != 60 {
		t.Fatalf("drain: %v, done %d of 60", err, done.Load())
	}

	s2 := fastRunner(SecondaryConfig{Workers: 2, Logger: zap.New(core)})
	s2.Register("k", func(context.Context, json.RawMessage) error { return &convexclient.HTTPError{Status: 503} })
	s2.Start()
	for range 5 {
		s2.Enqueue(context.Background(), "k", nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s2.Drain(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Drain = %v", err)
	}
	if st := s2.Stats(); st.Dropped != 5 || st.Pending != 0 {
		t.Errorf("stats = %+v", st)
	}
	if n := logs.FilterMessage("secondary task lost: undelivered at the shutdown deadline").Len(); n != 5 {
		t.Errorf("%d loss logs, want 5", n)
	}
	if s2.Enqueue(context.Background(), "k", nil) {
		t.Error("Enqueue after Drain accepted a task held in memory")
	}
}

func TestSecondaryHangingAttemptCancelledAtDeadline(t *testing.T) {
	s := fastRunner(SecondaryConfig{Timeout: time.Hour})
	var mu sync.Mutex
	var cause error
	s.Register("hang", func(ctx context.Context, _ json.RawMessage) error {
		<-ctx.Done()
		mu.Lock()
		cause = ctx.Err()
		mu.Unlock()
		return ctx.Err()
	})
	s.Start()
	s.Enqueue(context.Background(), "hang", nil)
	waitFor(t, "the attempt to start", func() bool { return s.Stats().Pending == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := s.Drain(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Drain = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if cause == nil || s.Stats().Dropped != 1 {
		t.Errorf("attempt not cancelled (%v), stats %+v", cause, s.Stats())
	}
}

func TestSecondaryPanicIsAPermanentFailure(t *testing.T) {
	s := fastRunner(SecondaryConfig{Retryable: func(error) bool { return true }})
	s.Register("panics", func(context.Context, json.RawMessage) error { panic("boom") })
	s.Start()
	s.Enqueue(context.Background(), "panics", nil)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Failed != 1 || st.Retried != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestBackoffCappedAndJittered(t *testing.T) {
	half := func(n int64) int64 { return n / 2 }
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{
		{1, 75 * time.Millisecond},  // ceiling 100ms: 50 + 25
		{2, 150 * time.Millisecond}, // ceiling 200ms
		{4, 600 * time.Millisecond}, // ceiling 800ms
		{10, 750 * time.Millisecond},
		{1000, 750 * time.Millisecond}, // capped at 1s, no overflow
	} {
		if got := backoff(tt.n, 100*time.Millisecond, time.Second, half); got != tt.want {
			t.Errorf("backoff(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}
