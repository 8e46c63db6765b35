package auth

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryStoreConfig configures a MemoryStore. The zero value is usable.
type MemoryStoreConfig struct {
	// MaxEntries bounds the counters and rate-limit cells held (default
	// 100000). When full, expired entries are dropped first, then the
	// soonest-expiring counter or cell.
	MaxEntries int
	// MaxMarks bounds the marks (locks, revocations) held (default 100000).
	// Marks are never evicted early: while MaxMarks live marks are held a
	// new mark fails with ErrStoreFull. Marks have their own budget so that
	// a flood of them (say, repeated logins and logouts) cannot stop the
	// counters and rate limits from working.
	MaxMarks int
	// MaxSessions bounds the session records held, all users together
	// (default 100000). A full budget never evicts another user's session:
	// a user who already holds sessions replaces their own oldest, and the
	// first session of a user who holds none fails with ErrStoreFull (see
	// Stats for the metric). Session records do not count against
	// MaxEntries or MaxMarks.
	MaxSessions int
	// Now is the clock Sweep uses (default time.Now). Store operations use
	// the time their caller passes.
	Now func() time.Time
}

// MemoryStoreStats is a snapshot of a MemoryStore's budgets, for metrics.
type MemoryStoreStats struct {
	// Entries counts counters and rate-limit cells held, against MaxEntries.
	Entries, MaxEntries int
	// Marks counts locks and single-use values held, against MaxMarks.
	Marks, MaxMarks int
	// Sessions counts session records held, against MaxSessions, and
	// SessionUsers the users they belong to.
	Sessions, MaxSessions, SessionUsers int
	// FullRefusals counts writes refused with ErrStoreFull since the start.
	FullRefusals uint64
}

// MemoryStore is a Store for a single process. It is safe for concurrent
// use; one mutex makes every method atomic.
type MemoryStore struct {
	mu       sync.Mutex
	max      int // counters and cells
	maxMarks int
	marks    int // pinned entries in entries, expired or not
	now      func() time.Time
	entries  map[string]*memEntry
	swept    time.Time // last full sweep made by an insert
	refused  uint64    // ErrStoreFull answers

	maxSessions  int
	nSessions    int                                  // records in sessions, expired or not
	sessions     map[string]map[string]*SessionRecord // user id → session id → record
	sessionSwept time.Time                            // last full session sweep made by an insert
}

type memEntry struct {
	count  int64
	until  time.Time // window end, mark end, or GCRA expiry (== tat)
	seen   time.Time // GCRA: the latest request time the cell allowed
	value  []byte    // PutValue
	pinned bool      // marks and values: never evicted before they expire
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(cfg MemoryStoreConfig) *MemoryStore {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 100000
	}
	if cfg.MaxMarks <= 0 {
		cfg.MaxMarks = 100000
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 100000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryStore{max: cfg.MaxEntries, maxMarks: cfg.MaxMarks, now: cfg.Now, entries: make(map[string]*memEntry),
		maxSessions: cfg.MaxSessions, sessions: make(map[string]map[string]*SessionRecord)}
}

// Len returns the number of counters, cells, marks and values held,
// expired or not (session records are counted by Stats).
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// Stats returns the store's budget use. It is cheap enough for a metrics
// scrape (it does not walk the store).
func (m *MemoryStore) Stats() MemoryStoreStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return MemoryStoreStats{
		Entries: len(m.entries) - m.marks, MaxEntries: m.max, Marks: m.marks, MaxMarks: m.maxMarks,
		Sessions: m.nSessions, MaxSessions: m.maxSessions, SessionUsers: len(m.sessions), FullRefusals: m.refused,
	}
}

// Sweep drops every entry and session record expired at the store's clock
// and returns how many. Callers may run it periodically; inserts also
// sweep when a budget is full.
func (m *MemoryStore) Sweep() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	return m.sweepLocked(now) + m.sweepSessionsLocked(now)
}

func (m *MemoryStore) sweepLocked(now time.Time) int {
	n := 0
	for k, e := range m.entries {
		if !e.until.After(now) {
			m.removeLocked(k)
			n++
		}
	}
	return n
}

// removeLocked deletes key, keeping the mark count.
func (m *MemoryStore) removeLocked(key string) {
	if e, ok := m.entries[key]; ok {
		if e.pinned {
			m.marks--
		}
		delete(m.entries, key)
	}
}

// sweepThrottledLocked runs a full sweep at most once a second, so a flood
// of new keys into a full store cannot make every insert O(n). It reports
// whether anything was dropped.
func (m *MemoryStore) sweepThrottledLocked(now time.Time) bool {
	if now.Sub(m.swept) < time.Second && !now.Before(m.swept) {
		return false
	}
	m.swept = now
	return m.sweepLocked(now) > 0
}

// live returns the entry at key if it has not expired at now.
func (m *MemoryStore) live(key string, now time.Time) *memEntry {
	e := m.entries[key]
	if e == nil || !e.until.After(now) {
		return nil
	}
	return e
}

// put stores e at key, making room first when e's budget (marks, or
// counters and cells) is full.
func (m *MemoryStore) put(key string, e *memEntry, now time.Time) error {
	old, exists := m.entries[key]
	switch {
	case exists && old.pinned == e.pinned: // replaces an entry of its own budget
	case e.pinned:
		if m.marks >= m.maxMarks && (!m.sweepThrottledLocked(now) || m.marks >= m.maxMarks) {
			m.refused++
			return fmt.Errorf("%w: %d marks held", ErrStoreFull, m.marks)
		}
	default:
		if len(m.entries)-m.marks >= m.max {
			if err := m.makeRoomLocked(now); err != nil {
				return err
			}
		}
	}
	m.removeLocked(key)
	if e.pinned {
		m.marks++
	}
	m.entries[key] = e
	return nil
}

// makeRoomLocked frees at least one counter slot: expired entries first
// (see sweepThrottledLocked), otherwise the soonest-expiring unpinned entry
// of a sample.
func (m *MemoryStore) makeRoomLocked(now time.Time) error {
	if m.sweepThrottledLocked(now) && len(m.entries)-m.marks < m.max {
		return nil
	}
	const sample = 32
	var victim string
	var victimUntil time.Time
	seen := 0
	for k, e := range m.entries {
		if e.pinned {
			continue
		}
		if !e.until.After(now) {
			victim = k
			break
		}
		if victim == "" || e.until.Before(victimUntil) {
			victim, victimUntil = k, e.until
		}
		if seen++; seen >= sample {
			break
		}
	}
	if victim == "" {
		m.refused++
		return fmt.Errorf("%w: no counter to evict", ErrStoreFull)
	}
	m.removeLocked(victim)
	return nil
}

// Incr implements Store.
func (m *MemoryStore) Incr(_ context.Context, key string, now time.Time, window time.Duration) (int64, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(key, now)
	if e == nil {
		e = &memEntry{until: now.Add(window)}
		if err := m.put(key, e, now); err != nil {
			return 0, time.Time{}, err
		}
	}
	e.count++
	return e.count, e.until, nil
}

// Mark implements Store.
func (m *MemoryStore) Mark(_ context.Context, key string, now, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !until.After(now) {
		m.removeLocked(key)
		return nil
	}
	return m.put(key, &memEntry{until: until, pinned: true}, now)
}

// Marked implements Store.
func (m *MemoryStore) Marked(_ context.Context, key string, now time.Time) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(key, now); e != nil {
		return e.until, true, nil
	}
	return time.Time{}, false, nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.removeLocked(k)
	}
	return nil
}

// GCRA implements Store. A request stamped before the latest one the cell
// allowed is treated as arriving at that later time.
func (m *MemoryStore) GCRA(_ context.Context, key string, now time.Time, interval time.Duration, burst int) (GCRAResult, error) {
	if interval <= 0 || burst < 1 {
		return GCRAResult{}, fmt.Errorf("%w: gcra interval and burst must be positive", ErrConfig)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var tat time.Time
	e := m.entries[key]
	if e != nil && e.seen.After(now) {
		now = e.seen
	}
	if e != nil && e.until.After(now) {
		tat = e.until
	}
	res, newTAT := gcraStep(tat, now, interval, burst)
	if !res.Allowed {
		return res, nil
	}
	if e != nil {
		e.until, e.seen = newTAT, now
		return res, nil
	}
	return res, m.put(key, &memEntry{until: newTAT, seen: now}, now)
}

// Attempt implements Store.
func (m *MemoryStore) Attempt(_ context.Context, key, lockKey string, now time.Time, window time.Duration, max int, lockFor time.Duration) (AttemptResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.live(lockKey, now); l != nil {
		return AttemptResult{LockedUntil: l.until}, nil
	}
	e := m.live(key, now)
	count := int64(1)
	if e != nil {
		count = e.count + 1
	}
	if count > int64(max) {
		until := now.Add(lockFor)
		if err := m.put(lockKey, &memEntry{until: until, pinned: true}, now); err != nil {
			return AttemptResult{}, err
		}
		m.removeLocked(key)
		return AttemptResult{Count: count, LockedUntil: until}, nil
	}
	if e == nil {
		e = &memEntry{until: now.Add(window)}
		if err := m.put(key, e, now); err != nil {
			return AttemptResult{}, err
		}
	}
	e.count = count
	return AttemptResult{Admitted: true, Count: count}, nil
}

// Unattempt implements Store.
func (m *MemoryStore) Unattempt(_ context.Context, key string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.live(key, now); e != nil && e.count > 0 {
		e.count--
	}
	return nil
}

// PutValue implements Store.
func (m *MemoryStore) PutValue(_ context.Context, key string, value []byte, now, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !until.After(now) {
		m.removeLocked(key)
		return nil
	}
	return m.put(key, &memEntry{until: until, value: append([]byte(nil), value...), pinned: true}, now)
}

// TakeValue implements Store.
func (m *MemoryStore) TakeValue(_ context.Context, key string, now time.Time) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.live(key, now)
	m.removeLocked(key)
	if e == nil || e.value == nil {
		return nil, false, nil
	}
	return e.value, true, nil
}
