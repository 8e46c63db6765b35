package gateway

import (
	"container/heap"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// TaskFunc runs one secondary task of a registered kind with the arguments
// it was enqueued with. It must be idempotent: a task may run more than
// once (a retry after an answer was lost, a replica's pending task claimed
// by another after a crash), so its arguments carry every value it writes
// (the login time, not "now"). ctx carries the enqueuing request's id, the
// background lane and the attempt number (convexclient.WithBackground,
// WithAttempt) and the per-attempt timeout. A nil error is success; an
// error for which SecondaryConfig.Retryable is true is retried until the
// maximum age, any other is a permanent failure.
type TaskFunc func(ctx context.Context, args json.RawMessage) error

// task is one unit of secondary work. It holds no closure, so that it can
// be written to a Redis Stream and run by any replica.
type task struct {
	ID        string          // random, unique; logged, and the stream entry's "id"
	Kind      string          // a registered TaskFunc
	Args      json.RawMessage // the TaskFunc's arguments
	Enqueued  time.Time       // by the runner's clock; the maximum age counts from here
	RequestID string          // of the request that enqueued it

	attempt  int       // the attempt about to run, 1-based
	due      time.Time // when a delayed retry becomes ready (monotonic clock)
	streamID string    // the Redis Stream entry; "" for a task held in memory only
}

// durable reports whether the task lives in the Redis Stream.
func (t *task) durable() bool { return t.streamID != "" }

// fields are the log fields identifying t (never its arguments: they may
// hold a password hash).
func (t *task) fields() []zap.Field {
	return []zap.Field{zap.String("task", t.Kind), zap.String("task_id", t.ID),
		zap.String("request_id", t.RequestID), zap.Int("attempt", t.attempt)}
}

// context is the base context of t's attempts: detached from any request,
// carrying the enqueuing request's id.
func (t *task) context() context.Context {
	return convexclient.WithRequestID(routes.WithRequestID(context.Background(), t.RequestID), t.RequestID)
}

// newTaskID returns 16 random bytes in hex.
func newTaskID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// backoff is the wait before retry n (n ≥ 1): exponential from base,
// capped at max, with "equal jitter" (half fixed, half random), so that
// tasks failing together spread out and none retries in a hot loop.
func backoff(n int, base, max time.Duration, jitter func(int64) int64) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(jitter(int64(half)))
}

// taskHeap orders delayed tasks by due time.
type taskHeap []*task

func (h taskHeap) Len() int           { return len(h) }
func (h taskHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h taskHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)        { *h = append(*h, x.(*task)) }
func (h *taskHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// popDue removes and returns the tasks due at now.
func (h *taskHeap) popDue(now time.Time) []*task {
	var out []*task
	for h.Len() > 0 && !(*h)[0].due.After(now) {
		out = append(out, heap.Pop(h).(*task))
	}
	return out
}
