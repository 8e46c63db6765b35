package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestAccountTokens(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		newTokens := func(t *testing.T) (*AccountTokens, *fakeClock, Store) {
			clk, store := newClock(), newStore(t)
			a, err := NewAccountTokens(AccountTokenConfig{Store: store, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			return a, clk, store
		}
		t.Run("SingleUse", func(t *testing.T) {
			a, clk, _ := newTokens(t)
			tok, exp, err := a.Issue(bg, PurposeResetPassword, "u1", "")
			if err != nil || !exp.Equal(clk.Now().Add(time.Hour)) {
				t.Fatalf("Issue = %v, %v", exp, err)
			}
			if n := len(tok.Reveal()); n != 22+1+43 { // 128-bit selector, 256-bit verifier
				t.Fatalf("token length %d", n)
			}
			g, err := a.Consume(bg, PurposeResetPassword, tok.Reveal())
			if err != nil || g.UserID != "u1" || g.Purpose != PurposeResetPassword || !g.ExpiresAt.Equal(exp) {
				t.Fatalf("Consume = %+v, %v", g, err)
			}
			if _, err := a.Consume(bg, PurposeResetPassword, tok.Reveal()); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("second use = %v, want ErrAccountToken", err)
			}
		})
		t.Run("Expiry", func(t *testing.T) {
			a, clk, _ := newTokens(t)
			for _, tc := range []struct {
				p   TokenPurpose
				ttl time.Duration
			}{{PurposeResetPassword, time.Hour}, {PurposeVerifyEmail, 24 * time.Hour}, {PurposeInvitation, 7 * 24 * time.Hour}} {
				tok, _, _ := a.Issue(bg, tc.p, "u1", "ada@demo.test")
				ok, _, _ := a.Issue(bg, tc.p, "u1", "ada@demo.test")
				clk.Advance(tc.ttl - time.Second)
				if g, err := a.Consume(bg, tc.p, ok.Reveal()); err != nil || g.Data != "ada@demo.test" {
					t.Fatalf("%s just before expiry = %+v, %v", tc.p, g, err)
				}
				clk.Advance(time.Second)
				if _, err := a.Consume(bg, tc.p, tok.Reveal()); !errors.Is(err, ErrAccountToken) {
					t.Fatalf("%s at expiry = %v", tc.p, err)
				}
			}
		})
		t.Run("WrongPurposeAndTampering", func(t *testing.T) {
			a, _, _ := newTokens(t)
			tok, _, _ := a.Issue(bg, PurposeVerifyEmail, "u1", "")
			v := tok.Reveal()
			sel, ver, _ := strings.Cut(v, ".")
			flip := func(s string) string {
				b := []byte(s)
				if b[len(b)-2] == 'A' {
					b[len(b)-2] = 'B'
				} else {
					b[len(b)-2] = 'A'
				}
				return string(b)
			}
			for name, bad := range map[string]string{
				"empty": "", "no dot": sel + ver, "short": v[:len(v)-1], "long": v + "A",
				"bad base64": "!" + v[1:], "other selector": flip(sel) + "." + ver,
			} {
				if _, err := a.Consume(bg, PurposeVerifyEmail, bad); !errors.Is(err, ErrAccountToken) {
					t.Errorf("%s: Consume = %v", name, err)
				}
			}
			if _, err := a.Consume(bg, PurposeResetPassword, v); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("reset with a verification token = %v", err)
			}
			if _, err := a.Consume(bg, "nope", v); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("unknown purpose = %v", err)
			}
			// A wrong verifier fails (and uses the token up).
			if _, err := a.Consume(bg, PurposeVerifyEmail, sel+"."+flip(ver)); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("wrong verifier = %v", err)
			}
			if _, err := a.Consume(bg, PurposeVerifyEmail, v); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("token after a wrong verifier = %v, want used up", err)
			}
		})
		t.Run("Restore", func(t *testing.T) {
			a, clk, _ := newTokens(t)
			tok, exp, _ := a.Issue(bg, PurposeResetPassword, "u1", "ada@demo.test")
			g, err := a.Consume(bg, PurposeResetPassword, tok.Reveal())
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(30 * time.Minute)
			if err := a.Restore(bg, tok.Reveal(), g); err != nil {
				t.Fatal(err)
			}
			again, err := a.Consume(bg, PurposeResetPassword, tok.Reveal())
			if err != nil || again != g || !again.ExpiresAt.Equal(exp) {
				t.Fatalf("after Restore: %+v %v, want %+v (the original expiry)", again, err, g)
			}
			if _, err := a.Consume(bg, PurposeResetPassword, tok.Reveal()); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("restored token used twice: %v", err)
			}
			// Restored, it still expires when it was issued to.
			if err := a.Restore(bg, tok.Reveal(), g); err != nil {
				t.Fatal(err)
			}
			clk.Advance(30 * time.Minute)
			if _, err := a.Consume(bg, PurposeResetPassword, tok.Reveal()); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("restored token past its expiry: %v", err)
			}
			if err := a.Restore(bg, tok.Reveal(), g); err != nil { // expired: nothing to put back
				t.Fatal(err)
			}
			if _, err := a.Consume(bg, PurposeResetPassword, tok.Reveal()); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("expired grant restored: %v", err)
			}
			// Restoring under another verifier does not make a valid token.
			tok2, _, _ := a.Issue(bg, PurposeResetPassword, "u1", "")
			g2, _ := a.Consume(bg, PurposeResetPassword, tok2.Reveal())
			other, _, _ := a.Issue(bg, PurposeResetPassword, "u2", "")
			sel, _, _ := strings.Cut(tok2.Reveal(), ".")
			_, ver, _ := strings.Cut(other.Reveal(), ".")
			if err := a.Restore(bg, sel+"."+ver, g2); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Consume(bg, PurposeResetPassword, tok2.Reveal()); !errors.Is(err, ErrAccountToken) {
				t.Fatalf("token restored under a different verifier still works: %v", err)
			}
			for name, bad := range map[string]struct {
				tok string
				g   TokenGrant
			}{
				"malformed":       {"x.y", g},
				"no user":         {tok.Reveal(), TokenGrant{Purpose: PurposeResetPassword, ExpiresAt: exp}},
				"unknown purpose": {tok.Reveal(), TokenGrant{Purpose: "other", UserID: "u1", ExpiresAt: exp}},
			} {
				if err := a.Restore(bg, bad.tok, bad.g); !errors.Is(err, ErrAccountToken) {
					t.Errorf("%s: Restore = %v", name, err)
				}
			}
		})
		t.Run("ConcurrentConsume", func(t *testing.T) {
			a, _, _ := newTokens(t)
			tok, _, _ := a.Issue(bg, PurposeInvitation, "u1", "")
			var ok atomic.Int32
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					if _, err := a.Consume(bg, PurposeInvitation, tok.Reveal()); err == nil {
						ok.Add(1)
					}
				})
			}
			wg.Wait()
			if ok.Load() != 1 {
				t.Fatalf("%d of 16 concurrent uses succeeded, want 1", ok.Load())
			}
		})
		t.Run("StoredHashed", func(t *testing.T) {
			a, clk, store := newTokens(t)
			tok, _, _ := a.Issue(bg, PurposeResetPassword, "u1", "")
			sel, ver, _ := strings.Cut(tok.Reveal(), ".")
			v, ok, err := store.TakeValue(bg, tokenKey(PurposeResetPassword, sel), clk.Now())
			if err != nil || !ok || strings.Contains(string(v), ver) {
				t.Fatalf("stored record %q (%v %v) must hold a hash, not the verifier", v, ok, err)
			}
		})
	})
}

func TestLinkTokenRedacts(t *testing.T) {
	a, _ := NewAccountTokens(AccountTokenConfig{Store: NewMemoryStore(MemoryStoreConfig{})})
	tok, _, _ := a.Issue(bg, PurposeResetPassword, "u1", "")
	secret := tok.Reveal()
	_, ver, _ := strings.Cut(secret, ".")
	js, _ := json.Marshal(struct{ T LinkToken }{tok})
	outs := []string{string(js), fmt.Sprint(tok), fmt.Sprint(&tok), fmt.Sprint(struct{ T LinkToken }{tok})}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(f, tok), fmt.Sprintf(f, struct{ T LinkToken }{tok}))
	}
	for _, out := range outs {
		if strings.Contains(out, ver) || strings.Contains(out, fmt.Sprintf("%x", ver)) || strings.Contains(out, fmt.Sprintf("%X", ver)) {
			t.Errorf("output leaks the token: %s", out)
		}
	}
	if _, err := NewAccountTokens(AccountTokenConfig{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("NewAccountTokens without a store = %v", err)
	}
	if _, _, err := a.Issue(bg, "nope", "u1", ""); !errors.Is(err, ErrConfig) {
		t.Fatalf("Issue unknown purpose = %v", err)
	}
}
