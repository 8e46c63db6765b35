package auth

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

func testRecord(user, id string, created time.Time, ttl time.Duration) SessionRecord {
	return SessionRecord{ID: id, UserID: user, Created: created, LastSeen: created, Expires: created.Add(ttl),
		ClientIP: "192.0.2.1", UserAgent: "Mozilla/5.0 (X11; Linux) | pipes | kept"}
}

func ids(recs []SessionRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	sort.Strings(out)
	return out
}

// testSessionStoreSuite is the Store contract of the session registry.
func testSessionStoreSuite(t *testing.T, newStore func(testing.TB) Store) {
	t.Run("PutGetList", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		rec := testRecord("u1", "s1", clk.Now(), time.Hour)
		if ev, err := s.PutSession(bg, rec, clk.Now(), 20); err != nil || len(ev) != 0 {
			t.Fatalf("PutSession = %v, %v", ev, err)
		}
		got, ok, err := s.GetSession(bg, "u1", "s1", clk.Now())
		if err != nil || !ok || got.ID != "s1" || got.UserID != "u1" || !got.Created.Equal(rec.Created) ||
			!got.Expires.Equal(rec.Expires) || got.UserAgent != rec.UserAgent || got.ClientIP != rec.ClientIP {
			t.Fatalf("GetSession = %+v, %v, %v", got, ok, err)
		}
		if _, ok, _ := s.GetSession(bg, "u2", "s1", clk.Now()); ok {
			t.Fatal("another user's lookup found the session")
		}
		_, _ = s.PutSession(bg, testRecord("u1", "s2", clk.Now(), 2*time.Hour), clk.Now(), 20)
		_, _ = s.PutSession(bg, testRecord("u2", "s3", clk.Now(), time.Hour), clk.Now(), 20)
		list, err := s.ListSessions(bg, "u1", clk.Now())
		if err != nil || !slices.Equal(ids(list), []string{"s1", "s2"}) {
			t.Fatalf("ListSessions = %v, %v", ids(list), err)
		}
		clk.Advance(time.Hour)
		if _, ok, _ := s.GetSession(bg, "u1", "s1", clk.Now()); ok {
			t.Fatal("expired session found")
		}
		if list, _ := s.ListSessions(bg, "u1", clk.Now()); !slices.Equal(ids(list), []string{"s2"}) {
			t.Fatalf("ListSessions after expiry = %v", ids(list))
		}
	})
	t.Run("PerUserCapEvictsOldest", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for i := range 5 {
			ev, err := s.PutSession(bg, testRecord("u1", fmt.Sprint("s", i), clk.Now(), time.Hour), clk.Now(), 3)
			if err != nil {
				t.Fatal(err)
			}
			if want := max(0, i-2); len(ev) != min(1, want) || (len(ev) == 1 && ev[0] != fmt.Sprint("s", i-3)) {
				t.Fatalf("put %d evicted %v", i, ev)
			}
			clk.Advance(time.Second)
		}
		if list, _ := s.ListSessions(bg, "u1", clk.Now()); !slices.Equal(ids(list), []string{"s2", "s3", "s4"}) {
			t.Fatalf("sessions kept = %v, want the 3 newest", ids(list))
		}
	})
	// Sessions started in the same second tie on their creation time: the
	// one being stored is never the one evicted.
	t.Run("PerUserCapKeepsTheNewOneOnTies", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for _, id := range []string{"s9", "s8", "s7", "s0"} { // s0 sorts first by id
			ev, err := s.PutSession(bg, testRecord("u1", id, clk.Now(), time.Hour), clk.Now(), 3)
			if err != nil || slices.Contains(ev, id) {
				t.Fatalf("put %s: evicted %v, %v", id, ev, err)
			}
			if _, ok, _ := s.GetSession(bg, "u1", id, clk.Now()); !ok {
				t.Fatalf("the session just stored, %s, is gone", id)
			}
		}
	})
	t.Run("Touch", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		start := clk.Now()
		_, _ = s.PutSession(bg, testRecord("u1", "s1", start, time.Hour), start, 20)
		clk.Advance(time.Minute)
		ok, err := s.TouchSession(bg, "u1", "s1", clk.Now(), clk.Now(), start.Add(3*time.Hour))
		if err != nil || !ok {
			t.Fatalf("TouchSession = %v, %v", ok, err)
		}
		got, _, _ := s.GetSession(bg, "u1", "s1", clk.Now())
		if !got.LastSeen.Equal(clk.Now()) || !got.Expires.Equal(start.Add(3*time.Hour)) || !got.Created.Equal(start) {
			t.Fatalf("touched record = %+v", got)
		}
		// Older times never move it back.
		_, _ = s.TouchSession(bg, "u1", "s1", clk.Now(), start, start.Add(time.Hour))
		if got2, _, _ := s.GetSession(bg, "u1", "s1", clk.Now()); !got2.LastSeen.Equal(got.LastSeen) || !got2.Expires.Equal(got.Expires) {
			t.Fatalf("touch with older times changed the record: %+v", got2)
		}
		clk.Advance(2 * time.Hour) // past the original expiry, inside the extended one
		if _, ok, _ := s.GetSession(bg, "u1", "s1", clk.Now()); !ok {
			t.Fatal("extended session expired at its old expiry")
		}
		if n, _ := s.DeleteSessions(bg, "u1", "s1"); n != 1 {
			t.Fatalf("DeleteSessions = %d", n)
		}
		if ok, err := s.TouchSession(bg, "u1", "s1", clk.Now(), clk.Now(), clk.Now().Add(time.Hour)); ok || err != nil {
			t.Fatalf("touch resurrected a deleted session: %v %v", ok, err)
		}
		if _, ok, _ := s.GetSession(bg, "u1", "s1", clk.Now()); ok {
			t.Fatal("deleted session found after a touch")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		for i := range 4 {
			_, _ = s.PutSession(bg, testRecord("u1", fmt.Sprint("s", i), clk.Now(), time.Hour), clk.Now(), 20)
		}
		_, _ = s.PutSession(bg, testRecord("u2", "x", clk.Now(), time.Hour), clk.Now(), 20)
		if n, err := s.DeleteSessions(bg, "u1", "s0", "missing"); n != 1 || err != nil {
			t.Fatalf("DeleteSessions = %d, %v", n, err)
		}
		if n, err := s.DeleteSessions(bg, "u1"); n != 0 || err != nil {
			t.Fatalf("DeleteSessions() = %d, %v", n, err)
		}
		if n, err := s.DeleteUserSessions(bg, "u1", "s2"); n != 2 || err != nil {
			t.Fatalf("DeleteUserSessions(except s2) = %d, %v", n, err)
		}
		if list, _ := s.ListSessions(bg, "u1", clk.Now()); !slices.Equal(ids(list), []string{"s2"}) {
			t.Fatalf("left %v, want s2", ids(list))
		}
		if n, _ := s.DeleteUserSessions(bg, "u1", ""); n != 1 {
			t.Fatalf("DeleteUserSessions(all) = %d", n)
		}
		if list, _ := s.ListSessions(bg, "u2", clk.Now()); len(list) != 1 {
			t.Fatal("another user's session deleted")
		}
	})
	t.Run("PutAtomic", func(t *testing.T) {
		s, clk := newStore(t), newClock()
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Go(func() {
				if _, err := s.PutSession(bg, testRecord("u1", fmt.Sprint("s", i), clk.Now(), time.Hour), clk.Now(), 5); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if list, _ := s.ListSessions(bg, "u1", clk.Now()); len(list) != 5 {
			t.Fatalf("%d sessions after 30 concurrent puts with a cap of 5", len(list))
		}
	})
}
