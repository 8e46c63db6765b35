package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordsHashVerify(t *testing.T) {
	p := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost})
	h, err := p.Hash(bg, "correct horse")
	if err != nil || NeedsRehash(h, bcrypt.MinCost) {
		t.Fatalf("Hash = %q, %v", h, err)
	}
	if rehash, err := p.Verify(bg, h, "correct horse"); err != nil || rehash {
		t.Fatalf("Verify(right) = %v, %v", rehash, err)
	}
	// bcrypt's $2a$, $2b$ and $2y$ variants hash the same way.
	for _, v := range []string{"$2a$", "$2b$", "$2y$"} {
		if _, err := p.Verify(bg, v+h[4:], "correct horse"); err != nil {
			t.Errorf("Verify(%s hash) = %v", v, err)
		}
	}
	cases := map[string]struct {
		hash, password string
		malformed      bool
	}{
		"wrong password":    {h, "wrong horse", false},
		"empty password":    {h, "", false},
		"unknown user":      {"", "correct horse", false},
		"malformed hash":    {"not-a-hash", "correct horse", true},
		"truncated hash":    {h[:20], "correct horse", true},
		"input over cap":    {h, strings.Repeat("x", 1025), false},
		"sha256 not bcrypt": {"$5$rounds=5000$abc$def", "x", true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rehash, err := p.Verify(bg, tc.hash, tc.password)
			if !errors.Is(err, ErrInvalidCredentials) || rehash || errors.Is(err, ErrMalformedHash) != tc.malformed {
				t.Fatalf("Verify = %v, %v; want ErrInvalidCredentials (malformed=%v)", rehash, err, tc.malformed)
			}
		})
	}
}

func TestPasswordsLimits(t *testing.T) {
	p := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost, MaxPasswordBytes: 100})
	if _, err := p.Hash(bg, strings.Repeat("a", 73)); !errors.Is(err, ErrPasswordTooLong) {
		t.Fatalf("Hash(73 bytes) = %v, want ErrPasswordTooLong", err)
	}
	h, err := p.Hash(bg, strings.Repeat("a", 72))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Verify(bg, h, strings.Repeat("a", 101)); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("Verify(over MaxPasswordBytes) = %v", err)
	}
	if NewPasswords(PasswordConfig{}).Cost() != 12 || NewPasswords(PasswordConfig{Cost: 1}).Cost() != bcrypt.MinCost {
		t.Fatal("cost defaults/clamping wrong")
	}
}

func TestNeedsRehash(t *testing.T) {
	low := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost})
	h, _ := low.Hash(bg, "pw")
	high := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost + 1})
	rehash, err := high.Verify(bg, h, "pw")
	if err != nil || !rehash {
		t.Fatalf("Verify with a higher configured cost = %v, %v; want needsRehash", rehash, err)
	}
	if !NeedsRehash(h, 12) || NeedsRehash(h, bcrypt.MinCost) || NeedsRehash("garbage", 12) {
		t.Fatal("NeedsRehash wrong")
	}
}

func TestPasswordsPoolBusy(t *testing.T) {
	p := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost, PoolSize: 1, MaxWait: time.Millisecond})
	p.slots <- struct{}{} // occupy the only slot
	_, err := p.Verify(bg, "", "pw")
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrBusy) || be.RetryAfter != time.Second {
		t.Fatalf("Verify on a full pool = %v, want *BusyError{1s}", err)
	}
	if _, err := p.Hash(bg, "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Hash on a full pool = %v", err)
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	p2 := NewPasswords(PasswordConfig{PoolSize: 1, MaxWait: time.Hour})
	p2.slots <- struct{}{}
	if _, err := p2.Verify(ctx, "", "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with a cancelled context = %v", err)
	}
	<-p.slots
	if _, err := p.Verify(bg, "", "pw"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("slot not usable after release: %v", err)
	}
	if len(p.slots) != 0 {
		t.Fatal("Verify leaked a pool slot")
	}
}

func TestCheckNewPassword(t *testing.T) {
	for pw, want := range map[string]error{
		"":                      ErrPasswordTooShort,
		"elevenchars":           ErrPasswordTooShort,
		"twelve chars":          nil,
		"ééééééééééé":           ErrPasswordTooShort, // 11 runes, 22 bytes
		strings.Repeat("é", 12): nil,
		strings.Repeat("a", 72): nil,
		strings.Repeat("a", 73): ErrPasswordTooLong,
		strings.Repeat("é", 37): ErrPasswordTooLong, // 37 runes but 74 bytes
	} {
		if err := CheckNewPassword(pw); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("CheckNewPassword(%d bytes) = %v, want %v", len(pw), err, want)
		}
	}
}

// An unknown user must cost what a wrong password for a real account costs:
// with stored hashes cheaper than the configured cost, the dummy follows
// the stored hashes, not Cost.
func TestPasswordsDummyCostFollowsStoredHashes(t *testing.T) {
	stored, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPasswords(PasswordConfig{Cost: 12})
	if _, err := p.Verify(bg, string(stored), "wrong"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("Verify(wrong) = %v", err)
	}
	if _, err := p.Verify(bg, "", "pw"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("Verify(unknown) = %v", err)
	}
	if c, err := bcrypt.Cost(p.dummyHash()); err != nil || c != bcrypt.MinCost {
		t.Fatalf("dummy cost = %d, %v; want %d (the stored hashes' cost)", c, err, bcrypt.MinCost)
	}

	fixed := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost + 1, DummyCost: 1})
	if _, err := fixed.Verify(bg, string(stored), "pw"); err != nil {
		t.Fatal(err)
	}
	if c, _ := bcrypt.Cost(fixed.dummyHash()); c != bcrypt.MinCost {
		t.Fatalf("configured DummyCost (clamped) = %d, want %d", c, bcrypt.MinCost)
	}
	if c := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost + 2}).currentDummyCost(); c != bcrypt.MinCost+2 {
		t.Fatalf("dummy cost before any stored hash = %d, want Cost", c)
	}
}
