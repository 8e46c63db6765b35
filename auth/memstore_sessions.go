package auth

import (
	"context"
	"fmt"
	"time"
)

// The session registry of MemoryStore: a map per user, so every operation
// touches one user's records only, and a budget (MaxSessions) that a user
// at the limit spends from their own records.

// PutSession implements Store.
func (m *MemoryStore) PutSession(_ context.Context, rec SessionRecord, now time.Time, maxPerUser int) ([]string, error) {
	if rec.UserID == "" || rec.ID == "" {
		return nil, fmt.Errorf("%w: session record needs a user and an id", ErrConfig)
	}
	maxPerUser = max(maxPerUser, 1)
	m.mu.Lock()
	defer m.mu.Unlock()
	user := m.sessions[rec.UserID]
	for id, r := range user { // the user's expired records go first: it is cheap
		if !r.Expires.After(now) {
			m.dropSessionLocked(rec.UserID, id)
		}
	}
	user = m.sessions[rec.UserID]
	_, replacing := user[rec.ID]
	var evicted []string
	if !replacing && m.nSessions >= m.maxSessions {
		m.sweepSessionsThrottledLocked(now)
		user = m.sessions[rec.UserID]
		if m.nSessions >= m.maxSessions {
			if len(user) == 0 {
				m.refused++
				return nil, fmt.Errorf("%w: %d session records held", ErrStoreFull, m.nSessions)
			}
			id := oldestSession(user, "") // the user pays with their own oldest session
			m.dropSessionLocked(rec.UserID, id)
			evicted = append(evicted, id)
		}
	}
	user = m.sessions[rec.UserID]
	if user == nil {
		user = make(map[string]*SessionRecord)
		m.sessions[rec.UserID] = user
	}
	if !replacing {
		m.nSessions++
	}
	r := rec
	user[rec.ID] = &r
	for len(user) > maxPerUser {
		id := oldestSession(user, rec.ID) // never the one being stored
		m.dropSessionLocked(rec.UserID, id)
		evicted = append(evicted, id)
	}
	return evicted, nil
}

// oldestSession returns the id of the record created first (ties: the
// smaller id, so the choice is deterministic).
// oldestSession is the user's oldest session other than except (by
// creation time, then id: several may start in the same second).
func oldestSession(user map[string]*SessionRecord, except string) string {
	var oldest *SessionRecord
	for _, r := range user {
		if r.ID == except {
			continue
		}
		if oldest == nil || r.Created.Before(oldest.Created) || (r.Created.Equal(oldest.Created) && r.ID < oldest.ID) {
			oldest = r
		}
	}
	if oldest == nil {
		return ""
	}
	return oldest.ID
}

func (m *MemoryStore) dropSessionLocked(userID, id string) bool {
	user := m.sessions[userID]
	if _, ok := user[id]; !ok {
		return false
	}
	delete(user, id)
	m.nSessions--
	if len(user) == 0 {
		delete(m.sessions, userID)
	}
	return true
}

// sweepSessionsLocked drops every session record expired at now.
func (m *MemoryStore) sweepSessionsLocked(now time.Time) int {
	n := 0
	for uid, user := range m.sessions {
		for id, r := range user {
			if !r.Expires.After(now) {
				m.dropSessionLocked(uid, id)
				n++
			}
		}
	}
	return n
}

// sweepSessionsThrottledLocked sweeps at most once a second (see
// sweepThrottledLocked) and reports whether anything was dropped.
func (m *MemoryStore) sweepSessionsThrottledLocked(now time.Time) bool {
	if now.Sub(m.sessionSwept) < time.Second && !now.Before(m.sessionSwept) {
		return false
	}
	m.sessionSwept = now
	return m.sweepSessionsLocked(now) > 0
}

// GetSession implements Store.
func (m *MemoryStore) GetSession(_ context.Context, userID, id string, now time.Time) (SessionRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.sessions[userID][id]
	if r == nil || !r.Expires.After(now) {
		return SessionRecord{}, false, nil
	}
	return *r, true, nil
}

// TouchSession implements Store.
func (m *MemoryStore) TouchSession(_ context.Context, userID, id string, now, lastSeen, expires time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.sessions[userID][id]
	if r == nil || !r.Expires.After(now) {
		return false, nil
	}
	if lastSeen.After(r.LastSeen) {
		r.LastSeen = lastSeen
	}
	if expires.After(r.Expires) {
		r.Expires = expires
	}
	return true, nil
}

// ListSessions implements Store.
func (m *MemoryStore) ListSessions(_ context.Context, userID string, now time.Time) ([]SessionRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []SessionRecord
	for _, r := range m.sessions[userID] {
		if r.Expires.After(now) {
			out = append(out, *r)
		}
	}
	return out, nil
}

// DeleteSessions implements Store.
func (m *MemoryStore) DeleteSessions(_ context.Context, userID string, ids ...string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, id := range ids {
		if m.dropSessionLocked(userID, id) {
			n++
		}
	}
	return n, nil
}

// DeleteUserSessions implements Store.
func (m *MemoryStore) DeleteUserSessions(_ context.Context, userID, except string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id := range m.sessions[userID] {
		if id != except && m.dropSessionLocked(userID, id) {
			n++
		}
	}
	return n, nil
}
