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

	"github.com/convexgw/convexgw/auth"
)

// discardRunner takes every task and drops it: the request half alone.
type discardRunner struct{}

func (discardRunner) Enqueue(context.Context, string, any) bool { return true }

// unlimited lifts every flow limit (timing and benchmarks repeat requests).
func unlimited() map[string]auth.Policy {
	p := map[string]auth.Policy{}
	for k := range DefaultFlowPolicies() {
		p[k] = auth.Policy{Rate: 1e6, Burst: 1e6}
	}
	return p
}

// TestEnumerationTimingClasses measures, through loopback HTTP, that a
// forgotten password and a sign-up take the same time for an email with
// an account and one without: medians of interleaved samples must agree
// within 5% (the request does the same work either way; the lookup
// happens after the answer). Timing-based, so skipped under -race and
// -short, like TestLoginTimingClasses.
func TestEnumerationTimingClasses(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: skipped with -short and -race")
	}
	env := newFlowEnv(t, flowOpts{policies: unlimited()})
	env.api.d.Secondary = discardRunner{}
	for _, tc := range []struct {
		path    string
		known   map[string]string
		unknown map[string]string
	}{
		{"/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"}, map[string]string{"email": "nobody@test.dev"}},
		{"/api/auth/sign-up", map[string]string{"email": "ann@test.dev", "password": strongPassword, "name": "X"},
			map[string]string{"email": "nobody@test.dev", "password": strongPassword, "name": "X"}},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/api/auth/"), func(t *testing.T) {
			const samples = 151
			b := env.browser()
			send := func(body map[string]string) time.Duration {
				start := time.Now()
				r := b.do(http.MethodPost, tc.path, body)
				d := time.Since(start)
				if r.status != http.StatusAccepted {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return d
			}
			rng := rand.New(rand.NewPCG(3, 4))
			var norm [2][]float64
			var raw [2][]time.Duration
			for i := range samples + 5 {
				bodies := [2]map[string]string{tc.known, tc.unknown}
				first := rng.IntN(2)
				var d [2]time.Duration
				d[first] = send(bodies[first])
				d[1-first] = send(bodies[1-first])
				if i < 5 {
					continue // warm-up
				}
				mean := float64(d[0]+d[1]) / 2
				for j := range 2 {
					norm[j] = append(norm[j], float64(d[j])/mean)
					raw[j] = append(raw[j], d[j])
				}
			}
			var med [2]float64
			for j, name := range []string{"known", "unknown"} {
				slices.Sort(norm[j])
				slices.Sort(raw[j])
				med[j] = norm[j][len(norm[j])/2]
				t.Logf("%-8s median %v (%.3f of its pair's mean)", name, raw[j][len(raw[j])/2], med[j])
			}
			if lo, hi := min(med[0], med[1]), max(med[0], med[1]); hi > 1.05*lo {
				t.Errorf("medians spread %.1f%% (over 5%%)", 100*(hi/lo-1))
			}
		})
	}
}

// BenchmarkForgotPassword is the request half of a forgotten password
// (origin policy, strict body, two limiter steps on the memory store, one
// enqueue) for an email with an account and one without, in process.
func BenchmarkForgotPassword(b *testing.B) {
	env := newFlowEnv(b, flowOpts{policies: unlimited()})
	env.api.d.Secondary = discardRunner{}
	h := env.api.Handler()
	for _, email := range []string{"ann@test.dev", "nobody@test.dev"} {
		b.Run(email, func(b *testing.B) {
			body := `{"email":"` + email + `"}`
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/api/auth/forgot-password", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Origin", flowOrigin)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusAccepted {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
