package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Stream layout. Every entry of <prefix>secondary:tasks is one task:
// id, kind, args (JSON), at (enqueued, Unix ms), rid (request id). The
// consumer group "secondary" reads it at least once; an entry is acked and
// deleted after success. <prefix>secondary:dead gets the fields of a task
// that failed permanently or reached the maximum age, plus error,
// failed_at and attempts, capped at about deadLetterCap entries.
const (
	streamGroup   = "secondary"
	deadLetterCap = 100000
	readBlock     = time.Second
	readBatch     = 16
)

// taskStream is the Redis side of a durable Secondary. Safe for
// concurrent use.
type taskStream struct {
	rc             redis.UniversalClient
	key, dead      string
	group, consume string
}

func newTaskStream(rc redis.UniversalClient, prefix, consumer string) *taskStream {
	return &taskStream{rc: rc, key: prefix + "secondary:tasks", dead: prefix + "secondary:dead",
		group: streamGroup, consume: consumer}
}

// ensureGroup creates the consumer group (and the stream) if missing. The
// group starts at the stream's beginning, so tasks appended before it
// existed are delivered too.
func (s *taskStream) ensureGroup(ctx context.Context) error {
	err := s.rc.XGroupCreateMkStream(ctx, s.key, s.group, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create consumer group: %w", err)
	}
	return nil
}

// add appends t.
func (s *taskStream) add(ctx context.Context, t *task) error {
	return s.rc.XAdd(ctx, &redis.XAddArgs{Stream: s.key, Values: []any{
		"id", t.ID, "kind", t.Kind, "args", string(t.Args),
		"at", strconv.FormatInt(t.Enqueued.UnixMilli(), 10), "rid", t.RequestID,
	}}).Err()
}

// read delivers up to n new entries to this consumer, blocking up to
// readBlock for one. It recreates a missing group (a Redis restarted
// without persistence lost it).
func (s *taskStream) read(ctx context.Context, n int) ([]*task, error) {
	res, err := s.rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: s.group, Consumer: s.consume,
		Streams: []string{s.key, ">"}, Count: int64(n), Block: readBlock}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			if gerr := s.ensureGroup(ctx); gerr != nil {
				return nil, gerr
			}
			return nil, nil
		}
		return nil, err
	}
	var out []*task
	for _, st := range res {
		out = append(out, s.decodeAll(ctx, st.Messages, 1)...)
	}
	return out, nil
}

// claim takes over up to n entries that sat unacknowledged for at least
// minIdle (their consumer died or stopped renewing them).
func (s *taskStream) claim(ctx context.Context, n int, minIdle time.Duration) ([]*task, error) {
	msgs, _, err := s.rc.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: s.key, Group: s.group,
		Consumer: s.consume, MinIdle: minIdle, Start: "0-0", Count: int64(n)}).Result()
	if err != nil {
		if errors.Is(err, redis.Nil) || strings.Contains(err.Error(), "NOGROUP") {
			return nil, nil
		}
		return nil, err
	}
	return s.decodeAll(ctx, msgs, 2), nil
}

// touch resets the idle time of entries this consumer holds, so that no
// other consumer claims them while they wait for a retry.
func (s *taskStream) touch(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.rc.XClaimJustID(ctx, &redis.XClaimArgs{Stream: s.key, Group: s.group, Consumer: s.consume,
		MinIdle: 0, Messages: ids}).Err()
}

// ack acknowledges and deletes an entry, atomically.
func (s *taskStream) ack(ctx context.Context, id string) error {
	_, err := s.rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.key, s.group, id)
		p.XDel(ctx, s.key, id)
		return nil
	})
	return err
}

// deadLetter moves t to the dead-letter stream, atomically.
func (s *taskStream) deadLetter(ctx context.Context, t *task, reason string, at time.Time) error {
	_, err := s.rc.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAdd(ctx, &redis.XAddArgs{Stream: s.dead, MaxLen: deadLetterCap, Approx: true, Values: []any{
			"id", t.ID, "kind", t.Kind, "args", string(t.Args),
			"at", strconv.FormatInt(t.Enqueued.UnixMilli(), 10), "rid", t.RequestID,
			"error", reason, "failed_at", strconv.FormatInt(at.UnixMilli(), 10), "attempts", strconv.Itoa(t.attempt),
		}})
		p.XAck(ctx, s.key, s.group, t.streamID)
		p.XDel(ctx, s.key, t.streamID)
		return nil
	})
	return err
}

// decodeAll turns entries into tasks. An entry that is not a task (or
// was deleted while pending) cannot ever run: it is dead-lettered as is.
func (s *taskStream) decodeAll(ctx context.Context, msgs []redis.XMessage, attempt int) []*task {
	out := make([]*task, 0, len(msgs))
	for _, m := range msgs {
		if len(m.Values) == 0 { // deleted while pending (Redis < 7): nothing to run
			_ = s.ack(ctx, m.ID)
			continue
		}
		t, err := decodeTask(m)
		if err != nil {
			bad := &task{ID: str(m.Values["id"]), Kind: str(m.Values["kind"]), streamID: m.ID, attempt: attempt}
			_ = s.deadLetter(ctx, bad, "malformed entry: "+err.Error(), time.Now())
			continue
		}
		t.attempt = attempt
		out = append(out, t)
	}
	return out
}

func decodeTask(m redis.XMessage) (*task, error) {
	at, err := strconv.ParseInt(str(m.Values["at"]), 10, 64)
	t := &task{ID: str(m.Values["id"]), Kind: str(m.Values["kind"]), Args: json.RawMessage(str(m.Values["args"])),
		Enqueued: time.UnixMilli(at), RequestID: str(m.Values["rid"]), streamID: m.ID}
	switch {
	case err != nil:
		return nil, errors.New("bad enqueue time")
	case t.Kind == "" || !json.Valid(t.Args):
		return nil, errors.New("no kind or invalid args")
	}
	return t, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
