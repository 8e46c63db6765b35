package auth

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		clk := newClock()
		l, err := NewLimiter(newStore(t), map[string]Policy{"login": {Rate: 0.5, Burst: 2}, "api": {Rate: 10, Burst: 1}}, clk.Now)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []Decision{{Allowed: true, Remaining: 1}, {Allowed: true}, {RetryAfter: 2 * time.Second}} {
			d, err := l.Allow(bg, "login", "ip4:192.0.2.1")
			if err != nil || d != want {
				t.Fatalf("request %d = %+v, %v; want %+v", i, d, err, want)
			}
		}
		if d, _ := l.Allow(bg, "login", "ip4:192.0.2.2"); !d.Allowed {
			t.Fatal("another key was limited")
		}
		if d, _ := l.Allow(bg, "api", "ip4:192.0.2.1"); !d.Allowed {
			t.Fatal("another policy shared the bucket")
		}
		d, _ := l.Allow(bg, "api", "ip4:192.0.2.1")
		if d.Allowed || d.RetryAfter != 100*time.Millisecond || !errors.Is(d.Err(), ErrRateLimited) {
			t.Fatalf("second api request = %+v, want denied for 100ms", d)
		}
		clk.Advance(2 * time.Second)
		if d, _ := l.Allow(bg, "login", "ip4:192.0.2.1"); !d.Allowed {
			t.Fatal("not allowed again after RetryAfter")
		}
		if _, err := l.Allow(bg, "nope", "k"); !errors.Is(err, ErrUnknownPolicy) {
			t.Fatalf("unknown policy = %v", err)
		}
	})
}

func TestNewLimiterValidates(t *testing.T) {
	s := NewMemoryStore(MemoryStoreConfig{})
	bad := map[string]Policy{"zero": {Rate: 0, Burst: 1}, "nan": {Rate: math.NaN(), Burst: 1}, "inf": {Rate: math.Inf(1), Burst: 1}, "noburst": {Rate: 1}}
	_, err := NewLimiter(s, bad, nil)
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
	for name := range bad {
		if !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("error does not name policy %q: %v", name, err)
		}
	}
	if _, err := NewLimiter(s, DefaultPolicies(), nil); err != nil {
		t.Fatalf("DefaultPolicies rejected: %v", err)
	}
	if (Decision{Allowed: true}).Err() != nil {
		t.Fatal("allowed decision has an error")
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":            "ip4:192.0.2.1",
		" 192.0.2.1 ":          "ip4:192.0.2.1",
		"::ffff:192.0.2.1":     "ip4:192.0.2.1",
		"2001:db8:1:2:3:4:5:6": "ip6:2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "ip6:2001:db8:1:2::/64",
		"fe80::1%eth0":         "ip6:fe80::/64",
		"::1":                  "ip6:::/64",
		"":                     "ip:invalid",
		"not-an-ip":            "ip:invalid",
		"192.0.2.1:8080":       "ip:invalid",
		"2001:db8:1:3::1":      "ip6:2001:db8:1:3::/64",
	} {
		if got := ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}
