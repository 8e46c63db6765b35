package auth

import (
	"errors"
	"testing"
	"time"
)

// TestSessionRevalidate: for a session Verify accepted, Revalidate must give
// the same verdict as a fresh Verify of the token at every later time, so a
// caller caching sessions by token string loses no check.
func TestSessionRevalidate(t *testing.T) {
	cases := []struct {
		name    string
		advance time.Duration // after issuing (may be negative: clock stepped back)
		revoke  bool
		want    error // nil, ErrInvalidSession or ErrSessionRevoked
	}{
		{"fresh", 0, false, nil},
		{"an hour later", time.Hour, false, nil},
		{"revoked", time.Minute, true, ErrSessionRevoked},
		{"inside exp leeway", 7*24*time.Hour + sessionLeeway - time.Second, false, nil},
		{"at exp plus leeway", 7*24*time.Hour + sessionLeeway, false, ErrInvalidSession},
		{"long expired", 40 * 24 * time.Hour, false, ErrInvalidSession},
		{"clock inside iat leeway", -sessionLeeway, false, nil},
		{"clock before iat leeway", -sessionLeeway - time.Second, false, ErrInvalidSession},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			s := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{Now: clk.Now}))
			tok, _, err := s.Issue(bg, SessionUser{UserID: "u1", Role: "member"})
			if err != nil {
				t.Fatal(err)
			}
			sess, err := s.Verify(bg, tok)
			if err != nil {
				t.Fatal(err)
			}
			if tc.revoke {
				if err := s.Revoke(bg, sess); err != nil {
					t.Fatal(err)
				}
			}
			clk.Advance(tc.advance)
			_, verr := s.Verify(bg, tok)
			rerr := s.Revalidate(bg, sess)
			for name, err := range map[string]error{"Verify": verr, "Revalidate": rerr} {
				switch {
				case tc.want == nil && err != nil:
					t.Errorf("%s = %v, want nil", name, err)
				case tc.want != nil && !errors.Is(err, tc.want):
					t.Errorf("%s = %v, want %v", name, err, tc.want)
				}
			}
		})
	}
}

// TestSessionRevalidateMaxAge: the absolute limit holds for a refreshed
// session whose own token has not expired.
func TestSessionRevalidateMaxAge(t *testing.T) {
	clk := newClock()
	s := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{Now: clk.Now}))
	_, sess, _ := s.Issue(bg, SessionUser{UserID: "u1"})
	sess.ExpiresAt = sess.AuthTime.Add(60 * 24 * time.Hour) // as if a refresh overshot
	clk.Advance(30 * 24 * time.Hour)
	if err := s.Revalidate(bg, sess); !errors.Is(err, ErrInvalidSession) {
		t.Fatalf("Revalidate past MaxAge = %v", err)
	}
}
