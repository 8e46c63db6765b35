package auth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testKeyA = SessionKey{ID: "k1", Secret: bytes.Repeat([]byte("A"), 32)}
	testKeyB = SessionKey{ID: "k2", Secret: bytes.Repeat([]byte("B"), 32)}
)

func newTestSessions(t testing.TB, clk *fakeClock, store Store, keys ...SessionKey) *Sessions {
	t.Helper()
	if len(keys) == 0 {
		keys = []SessionKey{testKeyA}
	}
	s, err := NewSessions(SessionConfig{Keys: keys, Issuer: "https://gw.test", Audience: "convexgw", Store: store, Secure: true, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// craft signs arbitrary claims and header fields, for attack cases.
func craft(t testing.TB, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// registerCrafted records session s1 of user u1 (validClaims' ids) in the
// registry, as Start would have, so that crafted tokens for it verify.
func registerCrafted(t testing.TB, store Store, now time.Time) {
	t.Helper()
	rec := SessionRecord{ID: "s1", UserID: "u1", Created: now, LastSeen: now, Expires: now.Add(time.Hour + sessionLeeway)}
	if _, err := store.PutSession(bg, rec, now, 20); err != nil {
		t.Fatal(err)
	}
}

func validClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{"iss": "https://gw.test", "aud": "convexgw", "sub": "u1", "jti": "s1",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Unix()}
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// sessionRejectCases are tokens Verify must reject; they also seed FuzzSessionVerify.
func sessionRejectCases(t testing.TB, clk *fakeClock, good string) map[string]string {
	now := clk.Now()
	c := validClaims(now)
	parts := strings.Split(good, ".")
	return map[string]string{
		"empty":             "",
		"garbage":           "not.a.jwt",
		"two parts":         parts[0] + "." + parts[1],
		"tampered payload":  parts[0] + "." + parts[1] + "x." + parts[2],
		"tampered sig":      parts[0] + "." + parts[1] + "." + strings.ToUpper(parts[2]),
		"alg none":          craft(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", c),
		"HS512 same secret": craft(t, jwt.SigningMethodHS512, testKeyA.Secret, "k1", c),
		"unknown kid":       craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k9", c),
		"missing kid":       craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "", c),
		"wrong secret":      craft(t, jwt.SigningMethodHS256, testKeyB.Secret, "k1", c),
		"wrong issuer":      craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "iss", "https://evil.test")),
		"wrong audience":    craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "aud", "convex")),
		"no exp":            craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "exp", nil)),
		"expired":           craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "exp", now.Add(-sessionLeeway-time.Second).Unix())),
		"issued in future":  craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "iat", now.Add(time.Minute).Unix())),
		"no iat":            craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "iat", nil)),
		"no sub":            craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "sub", nil)),
		"no jti":            craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "jti", nil)),
		"no auth_time":      craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "auth_time", nil)),
		"past max age":      craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", with(c, "auth_time", now.Add(-31*24*time.Hour).Unix())),
	}
}

func TestSessionIssueVerify(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{})
	s := newTestSessions(t, clk, store)
	registerCrafted(t, store, clk.Now())
	tok, sess, err := s.Issue(bg, SessionUser{UserID: "u1", Role: "admin", Name: "Ada", Email: "ada@demo.test"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.ExpiresAt != clk.Now().Add(7*24*time.Hour) || sess.AuthTime != clk.Now() || len(sess.ID) != 22 {
		t.Fatalf("Issue session = %+v", sess)
	}
	got, err := s.Verify(bg, tok)
	if err != nil || got != sess {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, sess)
	}
	if _, _, err := s.Issue(bg, SessionUser{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("Issue without user id = %v", err)
	}
	// A crafted but fully valid token is accepted: the cases below fail for their one defect.
	if _, err := s.Verify(bg, craft(t, jwt.SigningMethodHS256, testKeyA.Secret, "k1", validClaims(clk.Now()))); err != nil {
		t.Fatalf("valid crafted token rejected: %v", err)
	}
	for name, bad := range sessionRejectCases(t, clk, tok) {
		t.Run(name, func(t *testing.T) {
			_, err := s.Verify(bg, bad)
			if !errors.Is(err, ErrInvalidSession) || errors.Is(err, ErrSessionRevoked) {
				t.Fatalf("Verify = %v, want ErrInvalidSession", err)
			}
			if len(bad) > 10 && strings.Contains(err.Error(), bad) {
				t.Fatal("error text contains the token")
			}
		})
	}
	clk.Advance(7*24*time.Hour + sessionLeeway - time.Second)
	if _, err := s.Verify(bg, tok); err != nil {
		t.Fatalf("Verify inside the clock-skew leeway = %v", err)
	}
	clk.Advance(time.Second)
	if _, err := s.Verify(bg, tok); !errors.Is(err, ErrInvalidSession) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("Verify after Lifetime = %v, want expired", err)
	}
}

func TestSessionRevoke(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		clk := newClock()
		store := newStore(t)
		s := newTestSessions(t, clk, store)
		tok, sess, _ := s.Issue(bg, SessionUser{UserID: "u1"})
		clk.Advance(25 * time.Hour)
		tok2, sess2, refreshed, err := s.Refresh(bg, sess)
		if err != nil || !refreshed {
			t.Fatalf("Refresh = %v, %v", refreshed, err)
		}
		other, _, _ := s.Issue(bg, SessionUser{UserID: "u1"})
		if err := s.Revoke(bg, sess); err != nil {
			t.Fatal(err)
		}
		sess = sess2
		for _, tk := range []string{tok, tok2} {
			if _, err := s.Verify(bg, tk); !errors.Is(err, ErrSessionRevoked) || !errors.Is(err, ErrInvalidSession) {
				t.Fatalf("Verify revoked = %v", err)
			}
		}
		if _, err := s.Verify(bg, other); err != nil {
			t.Fatalf("another session of the same user revoked: %v", err)
		}
		// Revocation deleted the record: nothing is left to expire, and a
		// refresh cannot bring the session back.
		if list, err := s.List(bg, "u1"); err != nil || len(list) != 1 || list[0].ID == sess.ID {
			t.Fatalf("List after Revoke = %+v, %v", list, err)
		}
		clk.Advance(25 * time.Hour) // a refresh is due
		if _, _, _, err := s.Refresh(bg, sess); !errors.Is(err, ErrSessionRevoked) {
			t.Fatalf("Refresh of a revoked session = %v", err)
		}
		if err := s.Revoke(bg, sess); err != nil {
			t.Fatalf("second Revoke = %v", err)
		}
	})
}

func TestSessionRefresh(t *testing.T) {
	clk := newClock()
	s := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{}))
	_, sess, _ := s.Issue(bg, SessionUser{UserID: "u1", Role: "member"})
	clk.Advance(23 * time.Hour)
	if tok, got, refreshed, err := s.Refresh(bg, sess); refreshed || err != nil || tok != "" || got != sess {
		t.Fatalf("Refresh before UpdateAge = %v, %v", refreshed, err)
	}
	start := sess.AuthTime
	for day := 1; ; day++ {
		clk.Advance(24 * time.Hour)
		tok, next, refreshed, err := s.Refresh(bg, sess)
		if err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		if !refreshed {
			// Only once the absolute limit caps the expiry.
			if sess.ExpiresAt != start.Add(30*24*time.Hour) {
				t.Fatalf("day %d: not refreshed, expiry %v", day, sess.ExpiresAt)
			}
			break
		}
		if next.ID != sess.ID || next.AuthTime != start || next.ExpiresAt.After(start.Add(30*24*time.Hour)) {
			t.Fatalf("refreshed session = %+v", next)
		}
		if v, err := s.Verify(bg, tok); err != nil || v != next {
			t.Fatalf("refreshed token Verify = %+v, %v", v, err)
		}
		sess = next
	}
	clk.Advance(30 * 24 * time.Hour)
	if _, _, _, err := s.Refresh(bg, sess); !errors.Is(err, ErrInvalidSession) {
		t.Fatalf("Refresh past MaxAge = %v", err)
	}
}

func TestSessionKeyRotation(t *testing.T) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{})
	old := newTestSessions(t, clk, store, testKeyA)
	tok, _, _ := old.Issue(bg, SessionUser{UserID: "u1"})
	rotated := newTestSessions(t, clk, store, testKeyB, testKeyA)
	if _, err := rotated.Verify(bg, tok); err != nil {
		t.Fatalf("old-key token rejected during rotation: %v", err)
	}
	newTok, _, _ := rotated.Issue(bg, SessionUser{UserID: "u1"})
	h, _, _ := jwt.NewParser().ParseUnverified(newTok, jwt.MapClaims{})
	if h.Header["kid"] != "k2" || h.Header["alg"] != "HS256" {
		t.Fatalf("new token header = %v, want kid k2", h.Header)
	}
	done := newTestSessions(t, clk, store, testKeyB)
	if _, err := done.Verify(bg, tok); !errors.Is(err, ErrInvalidSession) {
		t.Fatalf("retired key still accepted: %v", err)
	}
}

func TestNewSessionsValidates(t *testing.T) {
	_, err := NewSessions(SessionConfig{
		Keys:     []SessionKey{{ID: "", Secret: []byte("short")}, testKeyA, testKeyA},
		Lifetime: time.Hour, UpdateAge: 2 * time.Hour,
	})
	for _, want := range []string{"no id", "shorter than 32", "duplicate", "issuer and audience", "UpdateAge", "Store"} {
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), want) {
			t.Errorf("NewSessions error %v does not report %q", err, want)
		}
	}
}
