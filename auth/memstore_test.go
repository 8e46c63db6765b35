package auth

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestMemoryStoreBounded(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(MemoryStoreConfig{MaxEntries: 4, Now: clk.Now})
	for i := range 20 {
		if _, _, err := s.Incr(bg, fmt.Sprint("c", i), clk.Now(), time.Duration(i+1)*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Len(); n != 4 {
		t.Fatalf("Len = %d, want the bound 4", n)
	}
}

func TestMemoryStoreEvictsExpiredFirst(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(MemoryStoreConfig{MaxEntries: 3, Now: clk.Now})
	_ = s.Mark(bg, "lock", clk.Now(), clk.Now().Add(time.Hour))
	_, _, _ = s.Incr(bg, "short", clk.Now(), time.Second)
	_, _, _ = s.Incr(bg, "long", clk.Now(), time.Hour)
	clk.Advance(2 * time.Second)
	if _, _, err := s.Incr(bg, "new", clk.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.Incr(bg, "long", clk.Now(), time.Hour); n != 2 {
		t.Fatalf("live counter evicted while an expired one was held (count %d)", n)
	}
	if _, ok, _ := s.Marked(bg, "lock", clk.Now()); !ok {
		t.Fatal("mark evicted")
	}
}

func TestMemoryStoreNeverEvictsMarks(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(MemoryStoreConfig{MaxMarks: 2, Now: clk.Now})
	_ = s.Mark(bg, "rev:a", clk.Now(), clk.Now().Add(time.Hour))
	_ = s.Mark(bg, "rev:b", clk.Now(), clk.Now().Add(time.Hour))
	if err := s.Mark(bg, "rev:c", clk.Now(), clk.Now().Add(time.Hour)); !errors.Is(err, ErrStoreFull) || !errors.Is(err, ErrStore) {
		t.Fatalf("Mark into a store full of marks = %v, want ErrStoreFull", err)
	}
	clk.Advance(time.Hour)
	if err := s.Mark(bg, "rev:c", clk.Now(), clk.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Mark after the marks expired = %v", err)
	}
}

func TestMemoryStoreSweep(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(MemoryStoreConfig{Now: clk.Now})
	_, _, _ = s.Incr(bg, "a", clk.Now(), time.Minute)
	_ = s.Mark(bg, "b", clk.Now(), clk.Now().Add(time.Hour))
	_, _ = s.GCRA(bg, "g", clk.Now(), time.Second, 1)
	clk.Advance(2 * time.Minute)
	if n := s.Sweep(); n != 2 || s.Len() != 1 {
		t.Fatalf("Sweep removed %d, Len %d; want 2 removed, 1 left", n, s.Len())
	}
}

// Marks and counters have separate budgets: a store full of marks (say, the
// revocations of many logouts) still counts failures and rate-limits, and
// counters never push marks out.
func TestMemoryStoreMarksDoNotStarveCounters(t *testing.T) {
	clk := newClock()
	s := NewMemoryStore(MemoryStoreConfig{MaxEntries: 2, MaxMarks: 2, Now: clk.Now})
	for i := range 2 {
		if err := s.Mark(bg, fmt.Sprint("rev:", i), clk.Now(), clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if _, _, err := s.Incr(bg, fmt.Sprint("fail:", i), clk.Now(), time.Duration(i+1)*time.Minute); err != nil {
			t.Fatalf("Incr with the marks full = %v", err)
		}
		if _, err := s.GCRA(bg, fmt.Sprint("rl:", i), clk.Now(), time.Second, 1); err != nil {
			t.Fatalf("GCRA with the marks full = %v", err)
		}
	}
	for i := range 2 {
		if _, ok, _ := s.Marked(bg, fmt.Sprint("rev:", i), clk.Now()); !ok {
			t.Fatalf("mark rev:%d evicted by counters", i)
		}
	}
	if n := s.Len(); n != 4 {
		t.Fatalf("Len = %d, want 2 marks + 2 counters", n)
	}
	if err := s.Mark(bg, "rev:x", clk.Now(), clk.Now().Add(time.Hour)); !errors.Is(err, ErrStoreFull) {
		t.Fatalf("Mark beyond MaxMarks = %v, want ErrStoreFull", err)
	}
	if err := s.Delete(bg, "rev:0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(bg, "rev:x", clk.Now(), clk.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Mark after a Delete freed a slot = %v", err)
	}
}
