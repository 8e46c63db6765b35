package routes

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// TestLoginTimingClasses (issue 12, defect 3): through the whole login
// route, a refused sign-in takes the same time whatever the account:
// unknown, wrong password, inactive, locked, or stored at a cheaper legacy
// cost. Medians of interleaved samples must agree within 5%. Timing-based,
// so it is skipped under -race and -short; it measures medians over many
// samples, round robin, so background load hits every class alike.
func TestLoginTimingClasses(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: skipped with -short and -race")
	}
	const cost, legacy, samples = 9, 6, 61
	hash := func(pw string, c int) string {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), c)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	users := map[string]map[string]any{
		"known@t.dev":    {"_id": "u1", "email": "known@t.dev", "passwordHash": hash("right", cost)},
		"legacy@t.dev":   {"_id": "u2", "email": "legacy@t.dev", "passwordHash": hash("right", legacy)},
		"inactive@t.dev": {"_id": "u3", "email": "inactive@t.dev", "passwordHash": hash("right", cost), "isActive": false},
		"locked@t.dev":   {"_id": "u4", "email": "locked@t.dev", "passwordHash": hash("right", cost)},
	}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "k"})
	dep.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Email string `json:"email"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if u, ok := users[args.Email]; ok {
			return u, nil
		}
		return nil, nil
	}, convextest.Internal())
	backend := convextest.NewServer(dep)
	t.Cleanup(backend.Close)
	d := testDeps(t)
	var err error
	if d.Convex, err = convexclient.New(convexclient.Config{URL: backend.URL, DeployKey: "k"}); err != nil {
		t.Fatal(err)
	}
	d.Accounts = accounts.NewConvex(d.Convex, accounts.Functions{FindByEmail: "auth:getUserByEmail"}, nil)
	d.Passwords = auth.NewPasswords(auth.PasswordConfig{Cost: cost, PoolSize: 1})
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	lim, _ := auth.NewLimiter(store, map[string]auth.Policy{PolicyLogin: {Rate: 1e6, Burst: 1e6},
		PolicyLoginAccount: {Rate: 1e6, Burst: 1e6}}, nil)
	lockout := auth.NewLockout(store, auth.LockoutConfig{MaxFailures: 3, Window: time.Hour, Duration: time.Hour})
	if d.LoginGuard, err = auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim, Lockout: lockout}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewAPI(d).Handler())
	t.Cleanup(srv.Close)
	login := func(email, pw string) (int, time.Duration) {
		start := time.Now()
		res, err := http.Post(srv.URL+"/api/auth/login", "application/json",
			strings.NewReader(`{"email":"`+email+`","password":"`+pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode, time.Since(start)
	}
	for range 4 { // lock locked@ (the 4th attempt is refused and locks)
		login("locked@t.dev", "wrong")
	}
	classes := []struct{ name, email, pw string }{
		{"unknown", "nobody@t.dev", "wrong"},
		{"wrong password", "known@t.dev", "wrong"},
		{"legacy cost", "legacy@t.dev", "wrong"},
		{"inactive", "inactive@t.dev", "right"},
		{"locked", "locked@t.dev", "right"},
	}
	// Each round times every class once, in a new order; a class's time
	// is divided by its round's mean, so a burst of background load on this
	// shared machine moves a whole round, not one class. A class's figure is
	// the median of its normalised times.
	rng := rand.New(rand.NewPCG(1, 2))
	order := []int{0, 1, 2, 3, 4}
	norm := make([][]float64, len(classes))
	raw := make([][]time.Duration, len(classes))
	for i := range samples + 2 {
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		round := make([]time.Duration, len(classes))
		var sum time.Duration
		for _, j := range order {
			c := classes[j]
			st, d := login(c.email, c.pw)
			if st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
				t.Fatalf("%s: status %d", c.name, st)
			}
			round[j], sum = d, sum+d
		}
		if i < 2 { // warm-up: dummy hashes, connections
			continue
		}
		mean := float64(sum) / float64(len(classes))
		for j := range classes {
			norm[j] = append(norm[j], float64(round[j])/mean)
			raw[j] = append(raw[j], round[j])
		}
	}
	medians := make([]float64, len(classes))
	for j, c := range classes {
		slices.Sort(norm[j])
		slices.Sort(raw[j])
		medians[j] = norm[j][len(norm[j])/2]
		t.Logf("%-15s median %v (%.3f of its round's mean)", c.name, raw[j][len(raw[j])/2], medians[j])
	}
	lo, hi := slices.Min(medians), slices.Max(medians)
	if hi > 1.05*lo {
		t.Errorf("medians spread %.1f%% (over 5%%): %v", 100*(hi/lo-1), medians)
	}
}
