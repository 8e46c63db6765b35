package auth

import (
	"context"
	"errors"
	"fmt"
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

// An unknown user costs what a wrong password for a real account costs at
// the configured cost, whatever the traffic: the dummy never follows the
// stored hashes (an attacker logging into a cheap account could steer it).
func TestPasswordsDummyCostFixed(t *testing.T) {
	stored, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost + 2})
	for range 3 {
		if _, err := p.Verify(bg, string(stored), "pw"); err != nil {
			t.Fatal(err)
		}
	}
	if p.dummyCost != bcrypt.MinCost+2 {
		t.Fatalf("dummy cost = %d after cheap logins, want the configured %d", p.dummyCost, bcrypt.MinCost+2)
	}
	if c := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost, DummyCost: 7}).dummyCost; c != 7 {
		t.Fatalf("DummyCost override = %d, want 7", c)
	}
	if c := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost + 1, DummyCost: 1}).dummyCost; c != bcrypt.MinCost {
		t.Fatalf("DummyCost clamped = %d, want %d", c, bcrypt.MinCost)
	}
}

// TestPasswordsPadding counts the bcrypt rounds each failure spends: a
// wrong password against a cheaper stored hash is padded with one dummy
// comparison per missing cost step, adding up to the dummy cost exactly;
// unknown users, malformed hashes and Waste cost one dummy comparison.
func TestPasswordsPadding(t *testing.T) {
	p := NewPasswords(PasswordConfig{Cost: 7})
	legacy, _ := bcrypt.GenerateFromPassword([]byte("right"), 4)
	current, _ := bcrypt.GenerateFromPassword([]byte("right"), 7)
	higher, _ := bcrypt.GenerateFromPassword([]byte("right"), 8)
	cases := []struct {
		name      string
		run       func() error
		wantCosts []int // dummy comparisons made, by cost
	}{
		{"unknown", func() error { _, err := p.Verify(bg, "", "x"); return err }, []int{7}},
		{"malformed", func() error { _, err := p.Verify(bg, "$2a$xx", "x"); return err }, []int{7}},
		{"wrong, current cost", func() error { _, err := p.Verify(bg, string(current), "x"); return err }, nil},
		{"wrong, legacy cost 4", func() error { _, err := p.Verify(bg, string(legacy), "x"); return err }, []int{4, 5, 6}},
		{"wrong, higher cost", func() error { _, err := p.Verify(bg, string(higher), "x"); return err }, nil},
		{"right, legacy cost", func() error { _, err := p.Verify(bg, string(legacy), "right"); return err }, nil},
		{"waste", func() error { return p.Waste(bg, "x") }, []int{7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			p.onDummy = func(c int) { got = append(got, c) }
			defer func() { p.onDummy = nil }()
			err := tc.run()
			if strings.HasPrefix(tc.name, "right") {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else if !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("err = %v, want ErrInvalidCredentials", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantCosts) {
				t.Fatalf("dummy comparisons at costs %v, want %v", got, tc.wantCosts)
			}
			rounds := 0
			for _, c := range got {
				rounds += 1 << c
			}
			if tc.name == "wrong, legacy cost 4" && rounds+1<<4 != 1<<7 {
				t.Fatalf("padded rounds %d + stored 2^4 != 2^7", rounds)
			}
		})
	}
}

func TestCheckNewPassword(t *testing.T) {
	for pw, want := range map[string]error{
		"":                                 ErrPasswordTooShort,
		"short":                            ErrPasswordTooShort,
		"ééééééé":                          ErrPasswordTooShort, // 7 runes, 14 bytes
		"password":                         ErrWeakPassword,
		"12345678":                         ErrWeakPassword,
		"P@ssw0rd":                         ErrWeakPassword,
		"iloveyou2":                        ErrWeakPassword,
		"correct horse battery":            nil,
		"wobbly-tram-fjord-57":             nil,
		strings.Repeat("a", 72):            ErrWeakPassword,
		strings.Repeat("a", 73):            ErrPasswordTooLong,
		strings.Repeat("é", 37):            ErrPasswordTooLong, // 37 runes but 74 bytes
		"Ölfässer schwimmen nachts leise":  nil,
		"trübe Kähne: 48 Möwen, 3 Bojen 🐟": nil,
	} {
		err := CheckNewPassword(pw)
		if (want == nil) != (err == nil) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("CheckNewPassword(%d bytes) = %v, want %v", len(pw), err, want)
		}
		if err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckNewPassword error %v does not match ErrWeakPassword", err)
		}
	}
}

func TestPasswordPolicyUserDetails(t *testing.T) {
	u := PasswordUser{Email: "Ada.Lovelace@demo.test", Name: "Ada Lovelace"}
	cases := []struct {
		pw       string
		personal bool
	}{
		{"ada.lovelace!!2024", true},   // the email's local part
		{"xx-LOVELACE-zebra-77", true}, // a name part, any case
		{"adalovelace-is-great", true}, // the name without spaces
		{"mIxed-ada.lovelace@demo.test", true},
		{"wobbly-tram-fjord-57", false},
	}
	for _, tc := range cases {
		err := PasswordPolicy{}.Check(tc.pw, u)
		var we *WeakPasswordError
		switch {
		case tc.personal && (!errors.As(err, &we) || !strings.Contains(we.Reason, "name or email")):
			t.Errorf("Check(%q) = %v, want a personal-details refusal", tc.pw, err)
		case !tc.personal && err != nil:
			t.Errorf("Check(%q) = %v, want nil", tc.pw, err)
		}
		if err != nil && strings.Contains(err.Error(), tc.pw) {
			t.Errorf("error %q quotes the password", err)
		}
	}
	// A short name part (under 3 characters) does not forbid everything containing it.
	if err := (PasswordPolicy{}).Check("wobbly-tram-fjord-57", PasswordUser{Name: "Jo Tr"}); err != nil {
		t.Errorf("short name parts refused: %v", err)
	}
	// MinScore: -1 accepts any score, 4 asks for more.
	if err := (PasswordPolicy{MinScore: -1}).Check("password", PasswordUser{}); err != nil {
		t.Errorf("MinScore -1 refused: %v", err)
	}
	if err := (PasswordPolicy{MinScore: 4}).Check("Summer2024!x", PasswordUser{}); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("MinScore 4 accepted a score-3 password: %v", err)
	}
}
