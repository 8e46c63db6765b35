package auth

import (
	"errors"
	"testing"
	"time"
)

func TestLockout(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		t.Run("LocksAfterMaxFailures", func(t *testing.T) {
			clk := newClock()
			l := NewLockout(newStore(t), LockoutConfig{Now: clk.Now}) // defaults 5 / 15m / 15m
			for i := 1; i <= 4; i++ {
				if err := l.Fail(bg, "ada@demo.test", "192.0.2.1"); err != nil {
					t.Fatalf("failure %d: %v", i, err)
				}
				clk.Advance(time.Minute)
			}
			if err := l.Check(bg, "ada@demo.test", "192.0.2.1"); err != nil {
				t.Fatalf("locked after 4 failures: %v", err)
			}
			err := l.Fail(bg, "ada@demo.test", "192.0.2.1")
			var le *LockedError
			if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || !le.Until.Equal(clk.Now().Add(15*time.Minute)) {
				t.Fatalf("5th failure = %v, want *LockedError until now+15m", err)
			}
			clk.Advance(10 * time.Minute)
			err = l.Check(bg, " Ada@Demo.Test ", "203.0.113.9") // any IP, normalised account
			if !errors.As(err, &le) || le.RetryAfter != 5*time.Minute {
				t.Fatalf("Check = %v, want locked with RetryAfter 5m", err)
			}
			clk.Advance(5 * time.Minute)
			if err := l.Check(bg, "ada@demo.test", "192.0.2.1"); err != nil {
				t.Fatalf("still locked after Duration: %v", err)
			}
			for i := 0; i < 4; i++ { // the count restarted when the lock began
				_ = l.Fail(bg, "ada@demo.test", "192.0.2.1")
			}
			if err := l.Check(bg, "ada@demo.test", "192.0.2.1"); err != nil {
				t.Fatalf("count not restarted after the lock: %v", err)
			}
		})
		t.Run("WindowExpires", func(t *testing.T) {
			clk := newClock()
			l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 3, Window: 10 * time.Minute, Now: clk.Now})
			_ = l.Fail(bg, "a", "")
			_ = l.Fail(bg, "a", "")
			clk.Advance(10 * time.Minute)
			if err := l.Fail(bg, "a", ""); err != nil {
				t.Fatalf("failure in a new window locked: %v", err)
			}
		})
		t.Run("SucceedClears", func(t *testing.T) {
			clk := newClock()
			l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 3, Now: clk.Now})
			_ = l.Fail(bg, "a", "")
			_ = l.Fail(bg, "a", "")
			if err := l.Succeed(bg, "a", ""); err != nil {
				t.Fatal(err)
			}
			_ = l.Fail(bg, "a", "")
			if err := l.Fail(bg, "a", ""); err != nil {
				t.Fatalf("count not cleared by success: %v", err)
			}
		})
		t.Run("Unlock", func(t *testing.T) {
			clk := newClock()
			l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 1, Now: clk.Now})
			_ = l.Fail(bg, "a", "")
			if err := l.Unlock(bg, "a", ""); err != nil {
				t.Fatal(err)
			}
			if err := l.Check(bg, "a", ""); err != nil {
				t.Fatalf("Check after Unlock = %v", err)
			}
		})
		t.Run("PerAccountAndIP", func(t *testing.T) {
			clk := newClock()
			l := NewLockout(newStore(t), LockoutConfig{MaxFailures: 2, PerAccountAndIP: true, Now: clk.Now})
			_ = l.Fail(bg, "victim", "192.0.2.66")
			_ = l.Fail(bg, "victim", "192.0.2.66")
			if err := l.Check(bg, "victim", "192.0.2.66"); !errors.Is(err, ErrLocked) {
				t.Fatalf("attacker's pair not locked: %v", err)
			}
			if err := l.Check(bg, "victim", "198.51.100.1"); err != nil {
				t.Fatalf("victim locked out from their own IP: %v", err)
			}
			// IPv6 addresses in one /64 are one client.
			_ = l.Fail(bg, "victim", "2001:db8::1")
			_ = l.Fail(bg, "victim", "2001:db8::2")
			if err := l.Check(bg, "victim", "2001:db8::ffff"); !errors.Is(err, ErrLocked) {
				t.Fatalf("same /64 not locked: %v", err)
			}
		})
	})
}
