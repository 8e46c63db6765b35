package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func newTestGuard(t *testing.T, store Store, clk *fakeClock, lcfg LockoutConfig, skipIP bool) *LoginGuard {
	t.Helper()
	lim, err := NewLimiter(store, DefaultPolicies(), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	lcfg.Now = clk.Now
	g, err := NewLoginGuard(LoginGuardConfig{Limiter: lim, Lockout: NewLockout(store, lcfg), SkipIPLimit: skipIP})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLoginGuard(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		t.Run("AccountLimitAcrossIPs", func(t *testing.T) {
			clk := newClock()
			// Lockout out of the way: the per-account rate limit (burst 5) must hold alone.
			g := newTestGuard(t, newStore(t), clk, LockoutConfig{MaxFailures: 100}, false)
			for i := range 5 {
				a, err := g.Begin(bg, "ada@demo.test", fmt.Sprint("192.0.2.", i))
				if err != nil {
					t.Fatalf("attempt %d: %v", i, err)
				}
				_ = a.Fail(bg)
			}
			_, err := g.Begin(bg, "ada@demo.test", "198.51.100.1")
			var rl *RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) || rl.Policy != PolicyLoginAccount || rl.RetryAfter != 12*time.Second {
				t.Fatalf("sixth attempt from a new IP = %v, want the account limit with 12s", err)
			}
			if _, err := g.Begin(bg, "grace@demo.test", "198.51.100.1"); err != nil {
				t.Fatalf("another account limited: %v", err)
			}
		})
		t.Run("IPLimit", func(t *testing.T) {
			clk := newClock()
			g := newTestGuard(t, newStore(t), clk, LockoutConfig{MaxFailures: 100}, false)
			for i := range 10 {
				if _, err := g.Begin(bg, fmt.Sprint("user", i, "@demo.test"), "192.0.2.1"); err != nil {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			_, err := g.Begin(bg, "user99@demo.test", "192.0.2.1")
			var rl *RateLimitError
			if !errors.As(err, &rl) || rl.Policy != PolicyLoginIP {
				t.Fatalf("11th attempt from one IP = %v, want the IP limit", err)
			}
			skip := newTestGuard(t, newStore(t), clk, LockoutConfig{MaxFailures: 100}, true)
			for i := range 20 {
				if _, err := skip.Begin(bg, fmt.Sprint("user", i, "@demo.test"), "192.0.2.1"); err != nil {
					t.Fatalf("SkipIPLimit: attempt %d = %v", i, err)
				}
			}
		})
		t.Run("Lockout", func(t *testing.T) {
			clk := newClock()
			g := newTestGuard(t, newStore(t), clk, LockoutConfig{MaxFailures: 3}, false)
			for i := range 3 {
				if _, err := g.Begin(bg, "ada@demo.test", "192.0.2.1"); err != nil {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			if _, err := g.Begin(bg, "ada@demo.test", "192.0.2.1"); !errors.Is(err, ErrLocked) {
				t.Fatalf("fourth = %v, want locked", err)
			}
		})
	})
}

func TestLoginGuardStoreDown(t *testing.T) {
	clk := newClock()
	store := failingStore{}
	lim, _ := NewLimiter(store, DefaultPolicies(), clk.Now)
	g, err := NewLoginGuard(LoginGuardConfig{Limiter: lim, Lockout: NewLockout(store, LockoutConfig{})})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := g.Begin(bg, "a@demo.test", "192.0.2.1"); a != nil || !errors.Is(err, ErrStore) {
		t.Fatalf("Begin = %v, %v; want refused with ErrStore", a, err)
	}
}

func TestNewLoginGuardValidates(t *testing.T) {
	lim, _ := NewLimiter(NewMemoryStore(MemoryStoreConfig{}), map[string]Policy{"x": {Rate: 1, Burst: 1}}, nil)
	_, err := NewLoginGuard(LoginGuardConfig{Limiter: lim})
	for _, want := range []string{"Lockout", `"login_ip"`, `"login_account"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewLoginGuard error %v does not report %s", err, want)
		}
	}
	if !errors.Is(err, ErrUnknownPolicy) || !errors.Is(err, ErrConfig) {
		t.Errorf("error %v should match ErrUnknownPolicy and ErrConfig", err)
	}
}
