package gateway

import (
	"context"
	"time"

	"go.uber.org/zap"
)

// readLoop takes new stream entries while this process has room for them,
// until Drain starts.
func (s *Secondary) readLoop() {
	ctx := s.readCtx
	failing := false
	for {
		n := s.reserve(ctx)
		if n == 0 {
			return
		}
		tasks, err := s.stream.read(ctx, n)
		s.admit(tasks, n, false)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if !failing {
				s.log.Warn("secondary: reading the Redis Stream failed; retrying every second", zap.Error(err))
			}
			failing = true
			s.pause(ctx, time.Second)
			continue
		}
		if failing {
			s.log.Info("secondary: reading the Redis Stream again")
		}
		failing = false
	}
}

// claimLoop renews the idle time of the stream tasks this process holds
// and claims those another consumer left unacknowledged for ClaimIdle.
func (s *Secondary) claimLoop() {
	ctx := s.readCtx
	period := max(s.cfg.ClaimIdle/4, 10*time.Millisecond)
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		ids := make([]string, 0, len(s.inStream))
		for id := range s.inStream {
			ids = append(ids, id)
		}
		s.mu.Unlock()
		tctx, cancel := context.WithTimeout(ctx, period)
		for len(ids) > 0 {
			batch := ids[:min(len(ids), 256)]
			ids = ids[len(batch):]
			if err := s.stream.touch(tctx, batch); err != nil {
				break // the next tick tries again; ClaimIdle leaves several
			}
		}
		n := s.tryReserve(readBatch)
		if n > 0 {
			tasks, err := s.stream.claim(tctx, n, s.cfg.ClaimIdle)
			got := s.admit(tasks, n, true)
			if err == nil && got > 0 {
				s.log.Info("secondary: claimed tasks another consumer left unacknowledged", zap.Int("tasks", got))
			}
		}
		cancel()
	}
}

// reserve waits until this process can hold more tasks, then reserves
// room for up to readBatch of them; 0 when ctx ended.
func (s *Secondary) reserve(ctx context.Context) int {
	for {
		if n := s.tryReserve(readBatch); n > 0 {
			return n
		}
		select {
		case <-ctx.Done():
			return 0
		case <-s.room:
		}
	}
}

func (s *Secondary) tryReserve(most int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := min(most, s.cfg.QueueSize-s.held)
	if n <= 0 {
		return 0
	}
	s.held += n
	s.reserved += n
	return n
}

// admit queues tasks read from the stream into a reservation of n,
// returning the unused room. A task this process already holds (claimed
// back after a late renewal) is skipped.
func (s *Secondary) admit(tasks []*task, n int, claimed bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	got := 0
	for _, t := range tasks {
		if _, dup := s.inStream[t.streamID]; dup {
			continue
		}
		s.inStream[t.streamID] = t
		s.ready <- t // within the reservation: never blocks
		got++
		if claimed {
			s.count(&s.claimed, "claimed")
		}
	}
	s.held -= n - got
	s.reserved -= n
	s.signalLocked()
	return got
}

// pause waits d or until ctx ends.
func (s *Secondary) pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
