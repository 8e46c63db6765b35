package auth

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestSessionRegistry(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		t.Run("ListAndRevoke", func(t *testing.T) {
			clk := newClock()
			s := newTestSessions(t, clk, newStore(t))
			phone, ps, err := s.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{IP: "192.0.2.1", UserAgent: "Phone\x1b[31m\n"})
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Minute)
			laptop, ls, _ := s.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{IP: "2001:db8::1", UserAgent: "Laptop"})
			_, other, _ := s.Start(bg, SessionUser{UserID: "u2"}, ClientInfo{})
			list, err := s.List(bg, "u1")
			if err != nil || len(list) != 2 || list[0].ID != ls.ID || list[1].ID != ps.ID {
				t.Fatalf("List = %+v, %v; want laptop, phone", list, err)
			}
			if p := list[1]; p.ClientIP != "192.0.2.1" || p.UserAgent != "Phone[31m" || !p.Created.Equal(ps.AuthTime) {
				t.Fatalf("phone record = %+v", p)
			}
			// Revoke one by id: only the owner's id works.
			if found, err := s.RevokeID(bg, "u2", ps.ID); found || err != nil {
				t.Fatalf("RevokeID by another user = %v, %v", found, err)
			}
			if found, err := s.RevokeID(bg, "u1", ps.ID); !found || err != nil {
				t.Fatalf("RevokeID = %v, %v", found, err)
			}
			if _, err := s.Verify(bg, phone); !errors.Is(err, ErrSessionRevoked) {
				t.Fatalf("revoked phone Verify = %v", err)
			}
			if _, err := s.Verify(bg, laptop); err != nil {
				t.Fatalf("laptop Verify = %v", err)
			}
			// Revoke the others, then all.
			_, third, _ := s.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{})
			if n, err := s.RevokeOthers(bg, third); n != 1 || err != nil {
				t.Fatalf("RevokeOthers = %d, %v", n, err)
			}
			if err := s.CheckID(bg, "u1", ls.ID); !errors.Is(err, ErrSessionRevoked) {
				t.Fatalf("CheckID(laptop) = %v", err)
			}
			if err := s.CheckID(bg, "u1", third.ID); err != nil {
				t.Fatalf("CheckID(kept) = %v", err)
			}
			if n, err := s.RevokeAll(bg, "u1"); n != 1 || err != nil {
				t.Fatalf("RevokeAll = %d, %v", n, err)
			}
			if err := s.CheckID(bg, "u2", other.ID); err != nil {
				t.Fatalf("another user's session revoked: %v", err)
			}
			if err := s.CheckID(bg, "", ""); !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("CheckID without ids = %v", err)
			}
		})
		t.Run("PerUserCap", func(t *testing.T) {
			clk := newClock()
			s, err := NewSessions(SessionConfig{Keys: []SessionKey{testKeyA}, Issuer: "i", Audience: "a",
				Store: newStore(t), MaxPerUser: 3, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			var toks []string
			for range 5 {
				tok, _, err := s.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{})
				if err != nil {
					t.Fatal(err)
				}
				toks = append(toks, tok)
				clk.Advance(time.Second)
			}
			for i, tok := range toks {
				_, err := s.Verify(bg, tok)
				if (i < 2) != errors.Is(err, ErrSessionRevoked) {
					t.Fatalf("session %d: Verify = %v (the 2 oldest must be revoked)", i, err)
				}
			}
		})
		t.Run("LastSeenThrottled", func(t *testing.T) {
			clk := newClock()
			s := newTestSessions(t, clk, newStore(t))
			tok, sess, _ := s.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{})
			start := clk.Now()
			lastSeen := func() time.Time {
				list, err := s.List(bg, "u1")
				if err != nil || len(list) != 1 {
					t.Fatalf("List = %v, %v", list, err)
				}
				return list[0].LastSeen
			}
			clk.Advance(59 * time.Second)
			_, _ = s.Verify(bg, tok)
			if !lastSeen().Equal(start) {
				t.Fatal("last seen written before TouchEvery passed")
			}
			clk.Advance(time.Second)
			_ = s.Revalidate(bg, sess)
			if !lastSeen().Equal(clk.Now()) {
				t.Fatalf("last seen = %v, want %v", lastSeen(), clk.Now())
			}
		})
		t.Run("RefreshWithClaims", func(t *testing.T) {
			clk := newClock()
			s := newTestSessions(t, clk, newStore(t))
			_, sess, _ := s.Start(bg, SessionUser{UserID: "u1", Role: "admin", Name: "Ada", Email: "ada@demo.test"}, ClientInfo{})
			clk.Advance(time.Hour)
			if s.RefreshDue(sess) {
				t.Fatal("refresh due after an hour (UpdateAge 1 day)")
			}
			same := &SessionUser{UserID: "u1", Role: "admin", Name: "Ada", Email: "ada@demo.test"}
			if _, _, refreshed, err := s.RefreshWith(bg, sess, same); refreshed || err != nil {
				t.Fatalf("RefreshWith unchanged claims = %v, %v", refreshed, err)
			}
			demoted := &SessionUser{UserID: "u1", Role: "member", Name: "Ada L.", Email: "ada@demo.test"}
			tok, next, refreshed, err := s.RefreshWith(bg, sess, demoted)
			if err != nil || !refreshed || next.Role != "member" || next.Name != "Ada L." || next.ID != sess.ID {
				t.Fatalf("RefreshWith demoted = %+v, %v, %v", next, refreshed, err)
			}
			if v, err := s.Verify(bg, tok); err != nil || v.Role != "member" {
				t.Fatalf("refreshed token = %+v, %v", v, err)
			}
			if _, _, _, err := s.RefreshWith(bg, sess, &SessionUser{UserID: "u2"}); !errors.Is(err, ErrConfig) {
				t.Fatalf("RefreshWith another user = %v", err)
			}
			// A due refresh extends the registry record, so the new token
			// verifies after the first one's expiry.
			clk.Advance(24 * time.Hour)
			if !s.RefreshDue(next) {
				t.Fatal("refresh not due after UpdateAge")
			}
			tok2, next2, refreshed, err := s.Refresh(bg, next)
			if err != nil || !refreshed {
				t.Fatalf("Refresh = %v, %v", refreshed, err)
			}
			clk.Advance(7 * 24 * time.Hour)
			if _, err := s.Verify(bg, tok2); err != nil {
				t.Fatalf("refreshed token after the first token's expiry: %v", err)
			}
			if err := s.Revoke(bg, next2); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := s.RefreshWith(bg, next2, demoted); !errors.Is(err, ErrSessionRevoked) {
				t.Fatalf("refresh of a revoked session = %v", err)
			}
		})
	})
}

// TestMemorySessionBudget: a full session budget refuses the first session
// of a new user but never lets one user's volume evict another's: a user
// who holds sessions pays with their own oldest.
func TestMemorySessionBudget(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{MaxSessions: 4, Now: clk.Now})
	s := newTestSessions(t, clk, store)
	_, alice, _ := s.Start(bg, SessionUser{UserID: "alice"}, ClientInfo{})
	var bobs []Session
	for range 3 {
		_, b, err := s.Start(bg, SessionUser{UserID: "bob"}, ClientInfo{})
		if err != nil {
			t.Fatal(err)
		}
		bobs = append(bobs, b)
		clk.Advance(time.Second)
	}
	if _, _, err := s.Start(bg, SessionUser{UserID: "carol"}, ClientInfo{}); !errors.Is(err, ErrStoreFull) || !errors.Is(err, ErrStore) {
		t.Fatalf("new user with the budget full = %v, want ErrStoreFull", err)
	}
	for range 50 { // bob keeps signing in: his own oldest goes, nobody else's
		if _, _, err := s.Start(bg, SessionUser{UserID: "bob"}, ClientInfo{}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	if err := s.CheckID(bg, "alice", alice.ID); err != nil {
		t.Fatalf("alice's session evicted by bob's volume: %v", err)
	}
	if err := s.CheckID(bg, "bob", bobs[0].ID); !errors.Is(err, ErrSessionRevoked) {
		t.Fatalf("bob's oldest session kept: %v", err)
	}
	st := store.Stats()
	if st.Sessions != 4 || st.MaxSessions != 4 || st.SessionUsers != 2 || st.FullRefusals != 1 {
		t.Fatalf("Stats = %+v", st)
	}
	clk.Advance(8 * 24 * time.Hour) // everything expires: room again
	if _, _, err := s.Start(bg, SessionUser{UserID: "carol"}, ClientInfo{}); err != nil {
		t.Fatalf("new user after expiry = %v", err)
	}
	if st := store.Stats(); st.Sessions != 1 {
		t.Fatalf("Stats after the sweep = %+v", st)
	}
}

// TestOneUserCannotExhaustTheStore (issue 12, defect 4): one user signing
// in and out 100 000 times must not stop other users' logout or lockout.
// With revocation marks sharing one never-evicted budget, the 100 000th
// logout filled it: later logouts failed and locks were silently not set.
// Only the long-standing API is used, so the test also runs on that code.
func TestOneUserCannotExhaustTheStore(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{Now: clk.Now}) // default budgets
	s := newTestSessions(t, clk, store)
	const cycles = 100000
	for i := range cycles {
		_, sess, err := s.Issue(bg, SessionUser{UserID: "mallory"})
		if err != nil {
			t.Fatalf("cycle %d: Issue = %v", i, err)
		}
		if err := s.Revoke(bg, sess); err != nil {
			t.Fatalf("cycle %d: Revoke = %v", i, err)
		}
	}
	tok, sess, err := s.Issue(bg, SessionUser{UserID: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(bg, sess); err != nil {
		t.Fatalf("another user's logout after the flood = %v", err)
	}
	if _, err := s.Verify(bg, tok); !errors.Is(err, ErrSessionRevoked) {
		t.Fatalf("another user's session after logout = %v, want revoked", err)
	}
	l := NewLockout(store, LockoutConfig{MaxFailures: 2, Now: clk.Now})
	for i := range 2 {
		if err := l.Fail(bg, "bob@demo.test", "192.0.2.1"); i == 1 && !errors.Is(err, ErrLocked) {
			t.Fatalf("lockout after the flood: failure %d = %v, want ErrLocked", i, err)
		}
	}
	if err := l.Check(bg, "bob@demo.test", "192.0.2.1"); !errors.Is(err, ErrLocked) {
		t.Fatalf("lock not in force after the flood: %v", err)
	}
}

// The same flood against Redis (fewer cycles: a round trip each): the
// user's registry hash stays small and other users are unaffected.
func TestRedisSessionFloodBounded(t *testing.T) {
	c := newRedisClient(t)
	prefix := testPrefix(t)
	clk := newClock()
	s := newTestSessions(t, clk, NewRedisStoreWith(c, RedisStoreConfig{Prefix: prefix, CallerClock: true}))
	_, alice, _ := s.Start(bg, SessionUser{UserID: "alice"}, ClientInfo{})
	for i := range 500 {
		_, sess, err := s.Start(bg, SessionUser{UserID: "mallory"}, ClientInfo{UserAgent: fmt.Sprint("bot/", i)})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			_ = s.Revoke(bg, sess)
		}
	}
	if n, err := c.HLen(bg, prefix+"sess:{mallory}").Result(); err != nil || n != 20 {
		t.Fatalf("mallory's registry holds %d records (%v), want the cap of 20", n, err)
	}
	if err := s.CheckID(bg, "alice", alice.ID); err != nil {
		t.Fatalf("alice's session = %v", err)
	}
	keys, _ := c.Keys(bg, prefix+"*").Result()
	slices.Sort(keys)
	if !slices.Equal(keys, []string{prefix + "sess:{alice}", prefix + "sess:{mallory}"}) {
		t.Fatalf("keys = %v, want one hash per user", keys)
	}
	if ttl, _ := c.PTTL(bg, prefix+"sess:{alice}").Result(); ttl <= 0 || ttl > 7*24*time.Hour+sessionLeeway {
		t.Fatalf("registry TTL = %v, want until the last token expires", ttl)
	}
}
