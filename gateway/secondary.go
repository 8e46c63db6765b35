package gateway

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
)

// SecondaryConfig configures a Secondary runner. Zero values take the
// defaults noted on each field.
type SecondaryConfig struct {
	Workers     int           // concurrent workers; 0 means 2
	QueueSize   int           // queued tasks before Enqueue drops; 0 means 256
	Attempts    int           // tries per task, the first included; 0 means 5
	Timeout     time.Duration // per attempt; 0 means 5s
	BaseBackoff time.Duration // wait before the first retry, doubled each time; 0 means 100ms
	MaxBackoff  time.Duration // cap of the wait; 0 means 5s
	// Retryable reports whether an error is transient (worth another attempt).
	// nil means no error is retried.
	Retryable func(error) bool
	Logger    *zap.Logger // nil means zap.NewNop()
}

// SecondaryStats are the runner's counters since it was built.
type SecondaryStats struct {
	// Tasks accepted, finished, retried (per retry), failed for good, and
	// dropped (queue full or runner stopped).
	Queued, Done, Retried, Failed, Dropped uint64
	Depth                                  int // tasks waiting now
}

type task struct {
	ctx  context.Context // detached from the request: values kept, cancellation dropped
	name string
	fn   func(context.Context) error
}

// Secondary runs work a response must not wait for (last-login time,
// password re-hashing): a bounded queue served by a few workers, a timeout
// per attempt, retries with exponential backoff on transient errors. Enqueue
// never blocks; a full queue drops the task with an error log. Safe for
// concurrent use; Start once, Drain once.
type Secondary struct {
	cfg      SecondaryConfig
	log      *zap.Logger
	queue    chan task
	stop     chan struct{} // closed when the drain deadline passes: abandon backoff waits
	stopOnce sync.Once
	wg       sync.WaitGroup

	mu     sync.RWMutex // guards closed against the close of queue
	closed bool

	queued, done, retried, failed, dropped atomic.Uint64
}

// NewSecondary builds a runner; call Start to run its workers.
func NewSecondary(cfg SecondaryConfig) *Secondary {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 256
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.Retryable == nil {
		cfg.Retryable = func(error) bool { return false }
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Secondary{cfg: cfg, log: log.Named("secondary"),
		queue: make(chan task, cfg.QueueSize), stop: make(chan struct{})}
}

// Start launches the workers.
func (s *Secondary) Start() {
	for range s.cfg.Workers {
		s.wg.Add(1)
		go s.work()
	}
}

// Enqueue hands fn to the runner under name (e.g. the Convex function path)
// and returns at once. ctx supplies values only (request id, credential); its
// cancellation is ignored. It reports false when the task was dropped: queue
// full or runner draining.
func (s *Secondary) Enqueue(ctx context.Context, name string, fn func(context.Context) error) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		s.dropped.Add(1)
		s.log.Error("secondary task dropped: runner stopped", zap.String("task", name), requestIDField(ctx))
		return false
	}
	select {
	case s.queue <- task{ctx: context.WithoutCancel(ctx), name: name, fn: fn}:
		s.queued.Add(1)
		return true
	default:
		s.dropped.Add(1)
		s.log.Error("secondary task dropped: queue full", zap.String("task", name),
			zap.Int("queue_size", s.cfg.QueueSize), requestIDField(ctx))
		return false
	}
}

// Drain stops accepting tasks and waits for the queued ones to finish. When
// ctx ends first, pending retries are abandoned (counted as failed), running
// attempts are cancelled, and ctx's error is returned. Later calls wait
// the same way.
func (s *Secondary) Drain(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	finished := make(chan struct{})
	go func() { s.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		s.stopOnce.Do(func() { close(s.stop) })
		<-finished
		return ctx.Err()
	}
}

// Stats returns the counters.
func (s *Secondary) Stats() SecondaryStats {
	return SecondaryStats{Queued: s.queued.Load(), Done: s.done.Load(), Retried: s.retried.Load(),
		Failed: s.failed.Load(), Dropped: s.dropped.Load(), Depth: len(s.queue)}
}

func (s *Secondary) work() {
	defer s.wg.Done()
	for t := range s.queue {
		s.run(t)
	}
}

func (s *Secondary) run(t task) {
	backoff := s.cfg.BaseBackoff
	for attempt := 1; ; attempt++ {
		err := s.attempt(t)
		if err == nil {
			s.done.Add(1)
			return
		}
		if attempt >= s.cfg.Attempts || !s.cfg.Retryable(err) {
			s.failed.Add(1)
			s.log.Error("secondary task failed", zap.String("task", t.name), zap.Int("attempts", attempt),
				errorField(err), requestIDField(t.ctx))
			return
		}
		s.retried.Add(1)
		s.log.Warn("secondary task retrying", zap.String("task", t.name), zap.Int("attempt", attempt),
			zap.Duration("backoff", backoff), errorField(err), requestIDField(t.ctx))
		timer := time.NewTimer(backoff)
		select {
		case <-timer.C:
		case <-s.stop:
			timer.Stop()
			s.failed.Add(1)
			s.log.Error("secondary task abandoned at shutdown", zap.String("task", t.name),
				zap.Int("attempts", attempt), requestIDField(t.ctx))
			return
		}
		backoff = min(backoff*2, s.cfg.MaxBackoff)
	}
}

func (s *Secondary) attempt(t task) (err error) {
	ctx, cancel := context.WithTimeout(t.ctx, s.cfg.Timeout)
	defer cancel()
	go func() { // a drain deadline cancels the attempt in flight
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("secondary task panicked")
			s.log.Error("secondary task panic", zap.String("task", t.name), zap.Any("panic", r))
		}
	}()
	return t.fn(ctx)
}

// errorField logs err, except a Convex function error's text: the backend
// quotes argument values in it (an argument validation error prints the
// whole args object, a new password hash included). The Convex logs keep
// the full error under the same request id.
func errorField(err error) zap.Field {
	var fe *convexclient.FunctionError
	if errors.As(err, &fe) {
		return zap.String("error", "convex function "+fe.Path+" failed (details in the Convex logs)")
	}
	return zap.Error(err)
}
