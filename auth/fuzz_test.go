package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzSessionVerify: no input panics, every rejection is ErrInvalidSession
// without echoing the input, and only the genuinely issued token verifies
// (the fuzzer cannot forge or malleate one).
func FuzzSessionVerify(f *testing.F) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{})
	s := newTestSessions(f, clk, store)
	registerCrafted(f, store, clk.Now())
	// Deterministic (fixed key, clock and claims): fuzz workers are separate
	// processes and must agree on the one valid token.
	good := craft(f, jwt.SigningMethodHS256, testKeyA.Secret, "k1", validClaims(clk.Now()))
	want, err := s.Verify(bg, good)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, tok := range sessionRejectCases(f, clk, good) {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		got, err := s.Verify(bg, tok)
		if err == nil {
			if tok != good || got != want {
				t.Fatalf("accepted a token that was never issued: %q", tok)
			}
			return
		}
		if !errors.Is(err, ErrInvalidSession) {
			t.Fatalf("rejection %v does not match ErrInvalidSession", err)
		}
		if len(tok) >= 12 && strings.Contains(err.Error(), tok) {
			t.Fatalf("error echoes the input")
		}
	})
}

// FuzzCSRFVerify: Verify accepts exactly Token(sessionID) for a non-empty
// session id, and never panics.
func FuzzCSRFVerify(f *testing.F) {
	c, _ := NewCSRF(testCSRFSecret)
	other, _ := NewCSRF(append([]byte("x"), testCSRFSecret...))
	f.Add("sess-1", c.Token("sess-1"))
	for _, tc := range csrfRejectCases(c, other) {
		f.Add(tc[0], tc[1])
	}
	f.Fuzz(func(t *testing.T, sessionID, token string) {
		err := c.Verify(sessionID, token)
		want := sessionID != "" && token == c.Token(sessionID)
		if (err == nil) != want {
			t.Fatalf("Verify(%q, %q) = %v, want ok=%v", sessionID, token, err, want)
		}
		if err != nil && !errors.Is(err, ErrCSRF) {
			t.Fatalf("rejection %v does not match ErrCSRF", err)
		}
	})
}

// FuzzAccountTokenConsume: no input panics, and nothing but the issued
// token consumes it.
func FuzzAccountTokenConsume(f *testing.F) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{})
	a, _ := NewAccountTokens(AccountTokenConfig{Store: store, Now: clk.Now})
	tok, _, _ := a.Issue(bg, PurposeResetPassword, "u1", "")
	good := tok.Reveal()
	f.Add(good[:len(good)-1] + "A")
	f.Add(good + ".")
	f.Add("")
	f.Add(".")
	f.Fuzz(func(t *testing.T, s string) {
		if s == good {
			return
		}
		if _, err := a.Consume(bg, PurposeResetPassword, s); !errors.Is(err, ErrAccountToken) {
			t.Fatalf("Consume(%q) = %v, want ErrAccountToken", s, err)
		}
	})
}

// FuzzDecodeSession: the Redis record decoder never panics, and what it
// accepts encodes back to an equivalent record.
func FuzzDecodeSession(f *testing.F) {
	now := newClock().Now()
	f.Add(encodeSession(testRecord("u1", "s1", now, time.Hour)))
	f.Add("1|2|3|ip|")
	f.Add("x|y|z")
	f.Fuzz(func(t *testing.T, v string) {
		rec, err := decodeSession("u1", "s1", v)
		if err != nil {
			return
		}
		again, err := decodeSession("u1", "s1", encodeSession(rec))
		if err != nil || again != rec {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", v, again, err, rec)
		}
	})
}
