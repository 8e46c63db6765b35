package routes

import (
	"sync"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
)

func TestTokenCache(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	key, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Signing: key,
		TTL: 5 * time.Minute, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	tc := newTokenCache(tokens, clock)
	p := &Principal{UserID: "u1", Role: "member", Email: "u@test.dev"}
	t1, exp1, err := tc.get(p)
	if err != nil {
		t.Fatal(err)
	}
	advance(3 * time.Minute) // 2m left: reused
	if t2, _, _ := tc.get(p); t2 != t1 {
		t.Error("token re-issued with 2m left")
	}
	advance(90 * time.Second) // 30s left: re-issued
	t3, exp3, _ := tc.get(p)
	if t3 == t1 || !exp3.After(exp1) {
		t.Error("token not re-issued within a minute of expiry")
	}
	p2 := *p
	p2.Role = "admin" // a changed role gets a new token at once
	if t4, _, _ := tc.get(&p2); t4 == t3 {
		t.Error("role change did not re-issue")
	}
	if cl, err := tokens.Verify(t3); err != nil || cl.Subject != "u1" {
		t.Errorf("Verify = %+v, %v", cl, err)
	}
}

func BenchmarkTokenCacheHit(b *testing.B) {
	key, _ := auth.GenerateSigningKey(auth.AlgRS256)
	tokens, _ := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Signing: key})
	tc := newTokenCache(tokens, time.Now)
	p := &Principal{UserID: "u1", Role: "member"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := tc.get(p); err != nil {
			b.Fatal(err)
		}
	}
}
