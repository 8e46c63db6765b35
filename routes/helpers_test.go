package routes

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// testDeps are real auth primitives over a memory store, and a Convex
// client that is not configured.
func testDeps(t testing.TB) Deps {
	t.Helper()
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	sessions, err := auth.NewSessions(auth.SessionConfig{
		Keys:   []auth.SessionKey{{ID: "k", Secret: []byte(strings.Repeat("k", 32))}},
		Issuer: "http://gw.test", Audience: "test", Store: store, Lifetime: time.Hour, UpdateAge: 10 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	csrf, err := auth.NewCSRF([]byte(strings.Repeat("c", 32)))
	if err != nil {
		t.Fatal(err)
	}
	lim, err := auth.NewLimiter(store, map[string]auth.Policy{
		PolicyLogin: {Rate: 1, Burst: 5}, PolicyLoginAccount: {Rate: 1, Burst: 50}, PolicyAPI: {Rate: 100, Burst: 100},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	guard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim,
		Lockout: auth.NewLockout(store, auth.LockoutConfig{MaxFailures: 5})})
	if err != nil {
		t.Fatal(err)
	}
	return Deps{
		Logger:    zap.NewNop(),
		Convex:    convexclient.NewLazy(func() (convexclient.Config, error) { return convexclient.Config{}, nil }),
		PublicURL: "http://gw.test",
		Passwords: auth.NewPasswords(auth.PasswordConfig{Cost: 4}),
		Sessions:  sessions, CSRF: csrf, Origins: auth.NewOriginPolicy([]string{"http://gw.test"}),
		LoginGuard: guard, Limiter: lim,
		AllowedOrigins: []string{"http://app.test"}, BodyLimit: 1024,
		ProtectedPrefixes: []string{"/dashboard"},
	}
}

// serve runs one request through the full handler.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
