package routes

import (
	"errors"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
)

func TestTokenVerifierCaches(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Ephemeral: true,
		TTL: time.Minute, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	v := newTokenVerifier(tokens, clock)
	tok, exp, err := tokens.Issue(auth.TokenUser{Subject: "u1", Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c, err := v.verify(tok)
		if err != nil || c.Subject != "u1" || !c.ExpiresAt.Equal(exp) {
			t.Fatalf("verify: %+v %v", c, err)
		}
	}
	if v.ok.len() != 1 {
		t.Fatalf("cache holds %d tokens", v.ok.len())
	}
	if _, err := v.verify(tok + "x"); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("forged token: %v", err)
	}
	if v.ok.len() != 1 {
		t.Fatal("a failure was cached")
	}
	// Past its expiry a cached token is checked again, and refused.
	now = exp.Add(time.Minute)
	if _, err := v.verify(tok); err == nil {
		t.Fatal("expired token accepted from the cache")
	}
}

func TestTokenVerifierBounded(t *testing.T) {
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	v := newTokenVerifier(tokens, time.Now)
	for i := range maxVerifiedTokens + 10 {
		v.ok.put(string(rune(i))+"-fake", auth.TokenClaims{}, time.Now().Add(time.Hour), time.Now())
		if v.ok.len() >= maxVerifiedTokens {
			break
		}
	}
	tok, _, _ := tokens.Issue(auth.TokenUser{Subject: "u"})
	if _, err := v.verify(tok); err != nil {
		t.Fatal(err)
	}
	if v.ok.len() > maxVerifiedTokens {
		t.Fatalf("cache grew to %d", v.ok.len())
	}
}
