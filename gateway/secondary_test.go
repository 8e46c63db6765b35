package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

func fastRunner(cfg SecondaryConfig) *Secondary {
	cfg.BaseBackoff, cfg.MaxBackoff = time.Millisecond, 2*time.Millisecond
	if cfg.Retryable == nil {
		cfg.Retryable = Transient
	}
	return NewSecondary(cfg)
}

func TestSecondaryRetriesTransientFailure(t *testing.T) {
	transient := []error{
		&convexclient.UnavailableError{RetryAfter: time.Second},
		&convexclient.NetworkError{Path: "auth:updateLastLogin", Op: "read", Err: errors.New("connection reset")},
		&convexclient.HTTPError{Status: 503},
		&convexclient.HTTPError{Status: 429},
		fmt.Errorf("wrapped: %w", convexclient.ErrTimeout),
	}
	for _, terr := range transient {
		t.Run(terr.Error(), func(t *testing.T) {
			s := fastRunner(SecondaryConfig{Attempts: 3})
			s.Start()
			var calls atomic.Int32
			gotRID := make(chan string, 3)
			ctx := routes.WithRequestID(context.Background(), "rid-1")
			ctx, cancel := context.WithCancel(ctx)
			ok := s.Enqueue(ctx, "auth:updateLastLogin", func(ctx context.Context) error {
				gotRID <- routes.RequestIDFrom(ctx)
				if calls.Add(1) == 1 {
					return terr
				}
				return nil
			})
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
			if rid := <-gotRID; rid != "rid-1" {
				t.Errorf("request id in task = %q", rid)
			}
			st := s.Stats()
			if st.Queued != 1 || st.Done != 1 || st.Retried != 1 || st.Failed != 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

func TestSecondaryFinalErrorsAreNotRetried(t *testing.T) {
	final := []error{
		&convexclient.FunctionError{Path: "auth:updateLastLogin", Message: "Uncaught Error: boom"},
		&convexclient.HTTPError{Status: 400},
		&convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"},
	}
	for _, ferr := range final {
		core, logs := observer.New(zap.ErrorLevel)
		s := fastRunner(SecondaryConfig{Attempts: 5, Logger: zap.New(core)})
		s.Start()
		var calls atomic.Int32
		s.Enqueue(context.Background(), "x:y", func(context.Context) error { calls.Add(1); return ferr })
		if err := s.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 1 || s.Stats().Failed != 1 {
			t.Errorf("%v: calls %d, stats %+v", ferr, calls.Load(), s.Stats())
		}
		if logs.FilterMessage("secondary task failed").Len() != 1 {
			t.Errorf("%v: failure not logged", ferr)
		}
	}
}

// Convex quotes argument values in function errors; a re-hash task's
// failure must not write the new password hash to the log.
func TestSecondaryLogsNoFunctionErrorText(t *testing.T) {
	const hash = "$2a$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
	core, logs := observer.New(zap.DebugLevel)
	s := fastRunner(SecondaryConfig{Attempts: 1, Logger: zap.New(core)})
	s.Start()
	s.Enqueue(context.Background(), "auth:updatePasswordHash", func(context.Context) error {
		return fmt.Errorf("update hash: %w", &convexclient.FunctionError{Path: "auth:updatePasswordHash",
			Message: "ArgumentValidationError: Object contains extra field `x`. Object: {passwordHash: \"" + hash + "\"}"})
	})
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range logs.All() {
		for k, v := range e.ContextMap() {
			if strings.Contains(fmt.Sprint(v), hash) {
				t.Errorf("log %q field %s holds the hash: %v", e.Message, k, v)
			}
		}
	}
	if logs.FilterMessage("secondary task failed").Len() != 1 {
		t.Error("failure not logged")
	}
}

func TestSecondaryGivesUpAfterAttempts(t *testing.T) {
	s := fastRunner(SecondaryConfig{Attempts: 3})
	s.Start()
	var calls atomic.Int32
	s.Enqueue(context.Background(), "x:y", func(context.Context) error {
		calls.Add(1)
		return &convexclient.HTTPError{Status: 502}
	})
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); calls.Load() != 3 || st.Retried != 2 || st.Failed != 1 {
		t.Errorf("calls %d stats %+v", calls.Load(), st)
	}
}

func TestSecondaryFullQueueDropsWithoutBlocking(t *testing.T) {
	core, logs := observer.New(zap.ErrorLevel)
	s := fastRunner(SecondaryConfig{Workers: 1, QueueSize: 2, Logger: zap.New(core)})
	release := make(chan struct{})
	started := make(chan struct{})
	s.Start()
	s.Enqueue(context.Background(), "block", func(context.Context) error { close(started); <-release; return nil })
	<-started // the worker is busy; the queue is empty
	results := []bool{
		s.Enqueue(context.Background(), "a", func(context.Context) error { return nil }),
		s.Enqueue(context.Background(), "b", func(context.Context) error { return nil }),
		s.Enqueue(routes.WithRequestID(context.Background(), "rid-drop"), "c", func(context.Context) error { return nil }),
	}
	if results[0] != true || results[1] != true || results[2] != false {
		t.Errorf("Enqueue results = %v, want [true true false]", results)
	}
	if st := s.Stats(); st.Dropped != 1 || st.Depth != 2 {
		t.Errorf("stats = %+v", st)
	}
	dropped := logs.FilterMessage("secondary task dropped: queue full").All()
	if len(dropped) != 1 || dropped[0].ContextMap()["request_id"] != "rid-drop" {
		t.Errorf("drop log = %v", dropped)
	}
	close(release)
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Done != 3 {
		t.Errorf("after drain: %+v", st)
	}
}

func TestSecondaryDrainFinishesQueuedWork(t *testing.T) {
	s := fastRunner(SecondaryConfig{Workers: 2, QueueSize: 100})
	var done atomic.Int32
	for i := range 50 {
		s.Enqueue(context.Background(), fmt.Sprint("task", i), func(context.Context) error { done.Add(1); return nil })
	}
	s.Start() // workers start after the queue is full: Drain must still run everything
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if done.Load() != 50 || s.Stats().Done != 50 {
		t.Errorf("done = %d, stats %+v", done.Load(), s.Stats())
	}
	if s.Enqueue(context.Background(), "late", func(context.Context) error { return nil }) {
		t.Error("Enqueue after Drain accepted a task")
	}
	if s.Stats().Dropped != 1 {
		t.Errorf("late task not counted as dropped: %+v", s.Stats())
	}
}

func TestSecondaryDrainDeadlineCancelsWork(t *testing.T) {
	s := fastRunner(SecondaryConfig{Workers: 1, Timeout: time.Hour})
	s.Start()
	started := make(chan struct{})
	s.Enqueue(context.Background(), "hang", func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the shutdown deadline has already passed
	if err := s.Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Drain = %v, want context.Canceled", err)
	}
	if st := s.Stats(); st.Failed != 1 {
		t.Errorf("stats = %+v", st)
	}
}

// Drain is exported: a second call after a missed deadline must not panic.
func TestSecondaryDrainTwice(t *testing.T) {
	s := fastRunner(SecondaryConfig{})
	s.Start()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 20 { // Drain's select picks at random between finished and ctx.Done
		_ = s.Drain(ctx)
	}
}

func TestSecondaryRecoversPanics(t *testing.T) {
	s := fastRunner(SecondaryConfig{})
	s.Start()
	s.Enqueue(context.Background(), "panics", func(context.Context) error { panic("boom") })
	if err := s.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.Stats().Failed != 1 {
		t.Errorf("stats = %+v", s.Stats())
	}
}
