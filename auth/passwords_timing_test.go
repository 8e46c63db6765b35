package auth

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestLoginTimingClasses (issue 12, defect 3): the refusals a login can
// end in take the same time whatever the account: an unknown email, a
// wrong password for an account at the configured cost, a wrong password
// for a legacy account at a cheaper cost, a malformed stored hash, and a
// refusal without a check (locked or inactive: Waste). Configured cost 7,
// legacy cost 4 (the old code answered the legacy account 8x faster, and
// let logins to cheap accounts steer the unknown-email dummy).
//
// Benchmark-style: samples of all classes are interleaved round by round
// (so machine noise hits every class alike), the medians compared, and
// the comparison repeated up to 3 times: a real difference fails all 3, a
// burst of noise from other tenants does not fail the test.
func TestLoginTimingClasses(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("timing comparison: not under -race or -short")
	}
	const configured, legacyCost, rounds, tolerance = 7, 4, 80, 0.05
	p := NewPasswords(PasswordConfig{Cost: configured, PoolSize: 1})
	current, _ := bcrypt.GenerateFromPassword([]byte("right password"), configured)
	legacy, _ := bcrypt.GenerateFromPassword([]byte("right password"), legacyCost)
	classes := []struct {
		name string
		run  func() error
	}{
		{"unknown email", func() error { _, err := p.Verify(bg, "", "guess"); return err }},
		{"wrong password", func() error { _, err := p.Verify(bg, string(current), "guess"); return err }},
		{"legacy-cost account", func() error { _, err := p.Verify(bg, string(legacy), "guess"); return err }},
		{"malformed hash", func() error { _, err := p.Verify(bg, "$2a$07$broken", "guess"); return err }},
		{"locked or inactive (Waste)", func() error { return p.Waste(bg, "guess") }},
	}
	for _, c := range classes { // warm up: the dummy hashes are made on first use
		if c.run() == nil {
			t.Fatalf("%s: succeeded", c.name)
		}
	}
	var report string
	for attempt := 1; attempt <= 3; attempt++ {
		samples := make([][]time.Duration, len(classes))
		for r := range rounds {
			for k := range classes {
				i := (r + k) % len(classes) // rotate the order every round
				start := time.Now()
				_ = classes[i].run()
				samples[i] = append(samples[i], time.Since(start))
			}
		}
		medians := make([]time.Duration, len(classes))
		for i, s := range samples {
			slices.Sort(s)
			medians[i] = s[len(s)/2]
		}
		lo, hi := slices.Min(medians), slices.Max(medians)
		report = fmt.Sprintf("attempt %d, medians:", attempt)
		for i, c := range classes {
			report += fmt.Sprintf(" %s %v;", c.name, medians[i].Round(time.Microsecond))
		}
		spread := float64(hi-lo) / float64(lo)
		report += fmt.Sprintf(" spread %.1f%%", 100*spread)
		t.Log(report)
		if spread <= tolerance {
			return
		}
	}
	t.Fatalf("refusal classes differ by more than %.0f%%: %s", 100*tolerance, report)
}
