package gateway

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// Secondary runner defaults (zero SecondaryConfig fields, and Defaults()).
const (
	DefaultSecondaryWorkers    = 2
	DefaultSecondaryQueue      = 4096
	DefaultSecondaryTimeout    = 5 * time.Second
	DefaultSecondaryMaxAge     = 24 * time.Hour
	DefaultSecondaryMaxBackoff = 30 * time.Second
	DefaultSecondaryClaimIdle  = time.Minute
	defaultSecondaryBackoff    = 100 * time.Millisecond
	// enqueueTimeout bounds the XADD of Enqueue, on the request path.
	enqueueTimeout = 500 * time.Millisecond
)

// SecondaryConfig configures a Secondary runner. Zero values take the
// defaults noted on each field.
type SecondaryConfig struct {
	Workers int // concurrent attempts; 0 means 2
	// QueueSize bounds the tasks this process holds (ready, running or
	// waiting to retry). Without Redis it bounds the whole queue: a task
	// enqueued beyond it is dropped and logged. With Redis the rest waits
	// in the stream. 0 means 4096.
	QueueSize int
	Timeout   time.Duration // per attempt; 0 means 5s
	// MaxAge is how long a task that keeps failing transiently is retried,
	// counted from its enqueueing; then it is dead-lettered (an error log, a
	// metric and, with Redis, an entry in the dead-letter stream). 0 means 24h.
	MaxAge      time.Duration
	BaseBackoff time.Duration // ceiling of the first back-off, doubled per retry; 0 means 100ms
	MaxBackoff  time.Duration // cap of the back-off ceiling; 0 means 30s
	// Retryable reports whether an attempt's error is transient (retry it).
	// nil means convexclient.TemporaryIdempotent, or an error that says so
	// through a Temporary() bool method (a mail delivery's
	// *mail.SendError): tasks are idempotent, so a
	// mutation whose outcome is unknown is retried too.
	Retryable func(error) bool
	// Redis, if set, makes the queue durable: a Redis Stream with a consumer
	// group (see Secondary). The caller owns and closes it.
	Redis redis.UniversalClient
	// Prefix goes before the stream keys; "" means "convexgw:".
	Prefix string
	// Consumer is this process's consumer name in the group; "" means
	// host-pid-random (a restarted process is a new consumer: its
	// predecessor's pending tasks are claimed after ClaimIdle).
	Consumer string
	// ClaimIdle is how long a task must sit unacknowledged before another
	// consumer claims it (a replica that died or was killed); the runner
	// renews its own tasks' idle time well within it. 0 means 1 min.
	ClaimIdle time.Duration
	Logger    *zap.Logger         // nil means zap.NewNop()
	Now       func() time.Time    // clock of task ages; nil means time.Now
	Jitter    func(n int64) int64 // random in [0, n); nil means math/rand/v2
	// OnEvent, if set, is called for every counted event (the names of
	// SecondaryStats' counters, lower-case, "dead_lettered" for
	// DeadLettered), synchronously: keep it short.
	OnEvent func(event string)
}

// SecondaryStats are the runner's counters since it was built.
type SecondaryStats struct {
	// Queued: accepted by Enqueue (written to the stream, or held in
	// memory). Done: succeeded. Retried: failed attempts retried later.
	// Failed: permanent failures (not retryable). Dropped: lost (queue full,
	// runner stopped, or still undelivered in memory at the drain
	// deadline). DeadLettered: still failing at the maximum age. Claimed:
	// taken over from a consumer that stopped renewing them.
	Queued, Done, Retried, Failed, Dropped, DeadLettered, Claimed uint64
	// Pending is the number of tasks this process holds now.
	Pending int
}

// Secondary runs work a response must not wait for (last-login time,
// password re-hashing) as named tasks with JSON arguments (Register,
// Enqueue): workers, a timeout per attempt, retries with capped, jittered
// exponential back-off while the error is transient, until a maximum age,
// then a dead letter. Every attempt runs in the Convex client's background
// lane and marks its attempt number, so one task counts once toward a
// breaker and never takes a foreground slot.
//
// Without Redis the queue is in memory and bounded: a task enqueued when
// it is full, or still undelivered when Drain's deadline passes, is lost
// and logged; a crash loses what it held. With Redis (SecondaryConfig.Redis)
// Enqueue appends to a Redis Stream read through a consumer group
// (at-least-once): a task is acknowledged and deleted after it succeeded;
// tasks a dead or killed replica held are claimed by the others after
// ClaimIdle; Drain leaves undelivered tasks in the stream; a task that
// reaches the maximum age or fails permanently moves to the dead-letter
// stream (<prefix>secondary:dead). When Redis cannot take a task, Enqueue
// holds it in memory instead (logged).
//
// Safe for concurrent use. Register every kind, then Start once, then
// Drain once.
type Secondary struct {
	cfg    SecondaryConfig
	log    *zap.Logger
	now    func() time.Time
	kinds  map[string]TaskFunc
	stream *taskStream // nil: memory only

	ready   chan *task
	room    chan struct{} // signalled when held drops
	wake    chan struct{} // signalled when a task is delayed
	quit    chan struct{} // closed when Drain ends: goroutines exit
	drained chan struct{} // closed when held reaches 0 while draining
	wg      sync.WaitGroup

	abandonCtx context.Context // cancelled at the drain deadline: attempts stop
	abandon    context.CancelFunc
	readCtx    context.Context // cancelled when Drain starts: no new stream reads
	stopRead   context.CancelFunc

	mu       sync.Mutex // guards the fields below
	held     int        // tasks this process holds, reservations of the reader included
	reserved int        // of held: room reserved by a stream read in progress
	delayed  taskHeap
	inStream map[string]*task // held durable tasks by stream id
	started  bool
	draining bool
	quitOnce sync.Once

	queued, done, retried, failed, dropped, dead, claimed, left atomic.Uint64
}

// NewSecondary builds a runner; Register the task kinds, then Start. It
// does no I/O.
func NewSecondary(cfg SecondaryConfig) *Secondary {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultSecondaryWorkers
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultSecondaryQueue
	}
	def(&cfg.Timeout, DefaultSecondaryTimeout)
	def(&cfg.MaxAge, DefaultSecondaryMaxAge)
	def(&cfg.BaseBackoff, defaultSecondaryBackoff)
	def(&cfg.MaxBackoff, DefaultSecondaryMaxBackoff)
	def(&cfg.ClaimIdle, DefaultSecondaryClaimIdle)
	if cfg.Retryable == nil {
		cfg.Retryable = retryable
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "convexgw:"
	}
	if cfg.Consumer == "" {
		host, _ := os.Hostname()
		cfg.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), newTaskID()[:8])
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Int64N
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	s := &Secondary{cfg: cfg, log: log.Named("secondary"), now: cfg.Now, kinds: map[string]TaskFunc{},
		ready: make(chan *task, cfg.QueueSize), room: make(chan struct{}, 1), wake: make(chan struct{}, 1),
		quit: make(chan struct{}), drained: make(chan struct{}), inStream: map[string]*task{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.abandonCtx, s.abandon = context.WithCancel(context.Background())
	s.readCtx, s.stopRead = context.WithCancel(context.Background())
	if cfg.Redis != nil {
		s.stream = newTaskStream(cfg.Redis, cfg.Prefix, cfg.Consumer)
	}
	return s
}

// Register declares the task kind name, run by fn. Call it before Start;
// it panics on an empty or duplicate name (a wiring mistake).
func (s *Secondary) Register(name string, fn TaskFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" || fn == nil || s.kinds[name] != nil || s.started {
		panic("gateway: Secondary.Register: empty, duplicate or late task kind " + name)
	}
	s.kinds[name] = fn
}

// Durable reports whether the queue is the Redis Stream.
func (s *Secondary) Durable() bool { return s.stream != nil }

// Start launches the workers (and, with Redis, the stream reader and the
// claimer). Later calls do nothing.
func (s *Secondary) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	for range s.cfg.Workers {
		s.goRun(s.work)
	}
	s.goRun(s.schedule)
	if s.stream != nil {
		s.goRun(s.readLoop)
		s.goRun(s.claimLoop)
	}
}

func (s *Secondary) goRun(f func()) {
	s.wg.Add(1)
	go func() { defer s.wg.Done(); f() }()
}

// Enqueue hands the task kind with args (marshalled to JSON) to the runner
// and returns at once; ctx supplies the request id only. It reports false
// when the task was dropped (unknown kind, arguments that do not marshal,
// memory queue full, runner stopped), which it has logged. With Redis the
// task is appended to the stream (at most 500ms); when that fails it is
// held in memory like a task of a runner without Redis.
func (s *Secondary) Enqueue(ctx context.Context, kind string, args any) bool {
	t := &task{ID: newTaskID(), Kind: kind, Enqueued: s.now(), RequestID: routes.RequestIDFrom(ctx), attempt: 1}
	raw, err := json.Marshal(args)
	s.mu.Lock()
	known := s.kinds[kind] != nil
	s.mu.Unlock()
	if err != nil || !known {
		s.count(&s.dropped, "dropped")
		s.log.Error("secondary task dropped: unknown kind or arguments that do not marshal", t.fields()...)
		return false
	}
	t.Args = raw
	if s.stream != nil {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), enqueueTimeout)
		err := s.stream.add(actx, t)
		cancel()
		if err == nil {
			s.count(&s.queued, "queued")
			return true
		}
		s.log.Warn("secondary task held in memory: Redis did not take it (lost if this process crashes)",
			append(t.fields(), zap.Error(err))...)
	}
	return s.hold(t)
}

// hold queues t in memory.
func (s *Secondary) hold(t *task) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	why := ""
	switch {
	case s.draining:
		why = "runner stopped"
	case s.held >= s.cfg.QueueSize:
		why = "queue full"
	}
	if why != "" {
		s.count(&s.dropped, "dropped")
		s.log.Error("secondary task dropped: "+why, append(t.fields(), zap.Int("queue_size", s.cfg.QueueSize))...)
		return false
	}
	s.held++
	s.count(&s.queued, "queued")
	s.ready <- t // never blocks: len(ready) ≤ held ≤ QueueSize = cap(ready)
	return true
}

// Stats returns the counters.
func (s *Secondary) Stats() SecondaryStats {
	s.mu.Lock()
	held := s.held - s.reserved
	s.mu.Unlock()
	return SecondaryStats{Queued: s.queued.Load(), Done: s.done.Load(), Retried: s.retried.Load(),
		Failed: s.failed.Load(), Dropped: s.dropped.Load(), DeadLettered: s.dead.Load(),
		Claimed: s.claimed.Load(), Pending: held}
}

func (s *Secondary) count(c *atomic.Uint64, event string) {
	c.Add(1)
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(event)
	}
}

// Drain stops taking work and waits until every task this process holds
// is finished. Tasks from the Redis Stream that wait for a retry are left
// there at once (another replica, or this one restarted, claims them); with
// Redis, Enqueue still appends to the stream while draining, without Redis
// it drops. When ctx ends first, running attempts are cancelled, tasks held
// only in memory are lost (each logged and counted as dropped), stream
// tasks stay in the stream, and ctx's error is returned. Later calls
// return at once.
func (s *Secondary) Drain(ctx context.Context) error {
	s.mu.Lock()
	first := !s.draining
	if first {
		s.draining = true
		s.stopRead()
		kept := s.delayed[:0]
		for _, t := range s.delayed {
			if t.durable() {
				s.leaveLocked(t)
			} else {
				kept = append(kept, t)
			}
		}
		s.delayed = kept
		heap.Init(&s.delayed)
		if s.held == 0 {
			close(s.drained)
		}
	}
	s.mu.Unlock()
	if !first {
		return nil
	}
	var err error
	select {
	case <-s.drained:
	case <-ctx.Done():
		err = ctx.Err()
		s.abandon()
	}
	s.quitOnce.Do(func() { close(s.quit) })
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		select {
		case t := <-s.ready:
			s.leaveLocked(t)
			continue
		default:
		}
		break
	}
	for _, t := range s.delayed {
		s.leaveLocked(t)
	}
	s.delayed = nil
	if n := s.left.Load(); n > 0 {
		s.log.Info("secondary tasks left in the Redis Stream for other replicas", zap.Uint64("tasks", n))
	}
	return err
}

// leaveLocked lets go of a task at shutdown: a stream task stays in the
// stream, a memory task is lost. s.mu is held.
func (s *Secondary) leaveLocked(t *task) {
	if t.durable() {
		s.left.Add(1)
	} else {
		s.count(&s.dropped, "dropped")
		s.log.Error("secondary task lost: undelivered at the shutdown deadline", t.fields()...)
	}
	s.releaseLocked(t)
}

func (s *Secondary) release(t *task) {
	s.mu.Lock()
	s.releaseLocked(t)
	s.mu.Unlock()
}

func (s *Secondary) releaseLocked(t *task) {
	s.held--
	if t.durable() {
		delete(s.inStream, t.streamID)
	}
	s.signalLocked()
}

// signalLocked tells the reader there is room and Drain that nothing is
// held any more. s.mu is held.
func (s *Secondary) signalLocked() {
	if s.draining && s.held == 0 {
		select {
		case <-s.drained:
		default:
			close(s.drained)
		}
	}
	select {
	case s.room <- struct{}{}:
	default:
	}
}

// errorField logs err, except a Convex function error's text: the backend
// quotes argument values in it (an argument validation error prints the
// whole args object, a new password hash included). The Convex logs keep
// the full error under the same request id.
func errorField(err error) zap.Field {
	return zap.String("error", errorText(err))
}

func errorText(err error) string {
	var fe *convexclient.FunctionError
	if errors.As(err, &fe) {
		return "convex function " + fe.Path + " failed (details in the Convex logs)"
	}
	return err.Error()
}

// retryable is the default SecondaryConfig.Retryable: a transient Convex
// error (convexclient.TemporaryIdempotent: tasks are idempotent), or any
// error with a Temporary() bool method that returns true.
func retryable(err error) bool {
	if convexclient.TemporaryIdempotent(err) {
		return true
	}
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}
