package auth

import (
	"fmt"
	"testing"
)

func BenchmarkSessionVerify(b *testing.B) {
	clk := newClock()
	s := newTestSessions(b, clk, NewMemoryStore(MemoryStoreConfig{}))
	tok, _, _ := s.Issue(bg, SessionUser{UserID: "u1", Role: "admin", Name: "Ada Admin", Email: "admin@demo.test"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Verify(bg, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCSRFVerify(b *testing.B) {
	c, _ := NewCSRF(testCSRFSecret)
	tok := c.Token("2lvuE3PJe2wMse2MgERHSg")
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Verify("2lvuE3PJe2wMse2MgERHSg", tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBcryptVerify(b *testing.B) {
	for _, cost := range []int{10, 12} {
		b.Run(fmt.Sprintf("cost=%d", cost), func(b *testing.B) {
			p := NewPasswords(PasswordConfig{Cost: cost})
			h, _ := p.Hash(bg, "demo-admin-pass")
			_, _ = p.Verify(bg, "", "warm up") // builds the dummy hash outside the timing
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Verify(bg, h, "demo-admin-pass"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkConvexTokenIssue(b *testing.B) {
	for _, alg := range []string{AlgES256, AlgRS256} {
		b.Run(alg, func(b *testing.B) {
			ct := newTestTokens(b, newClock(), alg)
			u := TokenUser{Subject: "user1", Name: "Ada Admin", Email: "admin@demo.test", Role: "admin"}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ct.Issue(u); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkConvexTokenVerify(b *testing.B) {
	ct := newTestTokens(b, newClock(), AlgES256)
	tok, _, _ := ct.Issue(TokenUser{Subject: "user1"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ct.Verify(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLimiterAllowMemory(b *testing.B) {
	clk := newClock()
	l, _ := NewLimiter(NewMemoryStore(MemoryStoreConfig{}), map[string]Policy{"api": {Rate: 1e6, Burst: 1 << 30}}, clk.Now)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = ClientKey(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := l.Allow(bg, "api", keys[i%len(keys)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkLoginGuardBegin(b *testing.B) {
	clk := newClock()
	store := NewMemoryStore(MemoryStoreConfig{})
	lim, _ := NewLimiter(store, map[string]Policy{PolicyLoginIP: {Rate: 1e6, Burst: 1 << 30}, PolicyLoginAccount: {Rate: 1e6, Burst: 1 << 30}}, clk.Now)
	g, _ := NewLoginGuard(LoginGuardConfig{Limiter: lim, Lockout: NewLockout(store, LockoutConfig{MaxFailures: 1 << 30, Now: clk.Now})})
	b.ReportAllocs()
	for b.Loop() {
		a, err := g.Begin(bg, "ada@demo.test", "192.0.2.1")
		if err != nil {
			b.Fatal(err)
		}
		_ = a.Fail(bg)
	}
}

func BenchmarkPasswordPolicyCheck(b *testing.B) {
	u := PasswordUser{Email: "ada@demo.test", Name: "Ada Lovelace"}
	b.ReportAllocs()
	for b.Loop() {
		_ = PasswordPolicy{}.Check("wobbly-tram-fjord-57", u)
	}
}
