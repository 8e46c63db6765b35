package gateway

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
)

// work runs ready tasks until Drain ends.
func (s *Secondary) work() {
	for {
		select {
		case <-s.quit:
			return
		case t := <-s.ready:
			if s.abandonCtx.Err() != nil {
				s.mu.Lock()
				s.leaveLocked(t)
				s.mu.Unlock()
				continue
			}
			s.run(t)
		}
	}
}

// run makes one attempt of t and decides what follows: done, a retry after
// a back-off, a permanent failure, or a dead letter at the maximum age.
func (s *Secondary) run(t *task) {
	err := s.attempt(t)
	switch {
	case err == nil:
		s.count(&s.done, "done")
		if t.durable() {
			s.ack(t)
		}
		s.release(t)
		return
	case s.abandonCtx.Err() != nil: // the drain deadline cancelled it
		s.mu.Lock()
		s.leaveLocked(t)
		s.mu.Unlock()
		return
	case isPermanent(err) || !s.cfg.Retryable(err):
		s.count(&s.failed, "failed")
		s.log.Error("secondary task failed", append(t.fields(), errorField(err))...)
		s.deadLetter(t, "failed: "+errorText(err))
		return
	case s.now().Sub(t.Enqueued) >= s.cfg.MaxAge:
		s.count(&s.dead, "dead_lettered")
		s.log.Error("secondary task dead-lettered: still failing at the maximum age",
			append(t.fields(), zap.Duration("max_age", s.cfg.MaxAge), errorField(err))...)
		s.deadLetter(t, "max age: "+errorText(err))
		return
	}
	s.count(&s.retried, "retried")
	wait := backoff(t.attempt, s.cfg.BaseBackoff, s.cfg.MaxBackoff, s.cfg.Jitter)
	if t.attempt == 1 { // later failures of the same task are at debug: an outage would flood the log
		s.log.Warn("secondary task failed, retrying", append(t.fields(), zap.Duration("backoff", wait), errorField(err))...)
	} else if ce := s.log.Check(zap.DebugLevel, "secondary task failed again, retrying"); ce != nil {
		ce.Write(append(t.fields(), zap.Duration("backoff", wait), errorField(err))...)
	}
	t.attempt++
	s.delay(t, wait)
}

// attempt runs t's function once, in the background lane, with the
// per-attempt timeout; the drain deadline cancels it. A panic is an error.
func (s *Secondary) attempt(t *task) (err error) {
	fn := s.kinds[t.Kind] // kinds is fixed once started
	if fn == nil {
		return permanentError{fmt.Errorf("unknown task kind %q", t.Kind)}
	}
	ctx := convexclient.WithAttempt(convexclient.WithBackground(t.context()), t.attempt)
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	stop := context.AfterFunc(s.abandonCtx, cancel)
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("secondary task panicked", append(t.fields(), zap.Any("panic", r))...)
			err = permanentError{errors.New("secondary task panicked")}
		}
	}()
	return fn(ctx, t.Args)
}

// permanentError is never retried, whatever Retryable says.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }

func isPermanent(err error) bool {
	var pe permanentError
	return errors.As(err, &pe)
}

// delay holds t until its back-off has passed. A stream task is left in
// the stream instead while draining.
func (s *Secondary) delay(t *task, wait time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.draining && t.durable() {
		s.leaveLocked(t)
		return
	}
	t.due = time.Now().Add(wait)
	heap.Push(&s.delayed, t)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// schedule moves delayed tasks to the ready queue when they are due.
func (s *Secondary) schedule() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		s.mu.Lock()
		for _, t := range s.delayed.popDue(time.Now()) {
			s.ready <- t // never blocks: see hold
		}
		next := time.Hour
		if len(s.delayed) > 0 {
			next = time.Until(s.delayed[0].due)
		}
		s.mu.Unlock()
		timer.Reset(next)
		select {
		case <-s.quit:
			return
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// ack acknowledges and deletes a finished stream task. A failure only
// means the task runs once more (it is idempotent): logged, not retried.
func (s *Secondary) ack(t *task) {
	ctx, cancel := context.WithTimeout(context.Background(), enqueueTimeout)
	defer cancel()
	if err := s.stream.ack(ctx, t.streamID); err != nil {
		s.log.Warn("secondary task done but not acknowledged: it may run again", append(t.fields(), zap.Error(err))...)
	}
}

// deadLetter ends t without success: a stream task moves to the
// dead-letter stream (if Redis refuses, it stays pending and is claimed
// and tried again later), a memory task is only logged (by the caller).
func (s *Secondary) deadLetter(t *task, reason string) {
	if t.durable() {
		ctx, cancel := context.WithTimeout(context.Background(), enqueueTimeout)
		err := s.stream.deadLetter(ctx, t, reason, s.now())
		cancel()
		if err != nil {
			s.log.Warn("secondary task not moved to the dead-letter stream: it stays pending", append(t.fields(), zap.Error(err))...)
		}
	}
	s.release(t)
}
