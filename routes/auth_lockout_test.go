package routes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// lockedAfterFirstCheck is a Lockout whose account becomes locked between
// the first check of a login and the end of its password comparison, as
// when parallel wrong guesses lock the account while this one waits for
// the bcrypt pool.
type lockedAfterFirstCheck struct{ checks atomic.Int32 }

func (l *lockedAfterFirstCheck) Check(context.Context, string, string) error {
	if l.checks.Add(1) == 1 {
		return nil
	}
	until := time.Now().Add(time.Minute)
	return &auth.LockedError{Until: until, RetryAfter: time.Minute}
}
func (l *lockedAfterFirstCheck) Fail(context.Context, string, string) error    { return nil }
func (l *lockedAfterFirstCheck) Succeed(context.Context, string, string) error { return nil }

// TestLoginLockedDuringVerification: a correct password that finishes
// verifying after the account got locked does not sign in.
func TestLoginLockedDuringVerification(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("right-password"), 4)
	if err != nil {
		t.Fatal(err)
	}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "test-key"})
	dep.Query("auth:getUserByEmail", func(context.Context, *convextest.Call) (any, error) {
		return map[string]any{"_id": "u1", "_creationTime": 1.0, "email": "a@b.test", "name": "A",
			"role": "member", "isActive": true, "passwordHash": string(hash)}, nil
	}, convextest.Internal())
	srv := convextest.NewServer(dep)
	t.Cleanup(srv.Close)

	d := testDeps(t)
	d.Convex, err = convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: "test-key"})
	if err != nil {
		t.Fatal(err)
	}
	d.Accounts = accounts.NewConvex(d.Convex, accounts.DefaultFunctions(), nil)
	lock := &lockedAfterFirstCheck{}
	d.Lockout = lock
	h := NewAPI(d).Handler()

	r := httptest.NewRequest(http.MethodPost, "/api/auth/login",
		strings.NewReader(`{"email":"a@b.test","password":"right-password"}`))
	r.Header.Set("Content-Type", "application/json")
	w := serve(h, r)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), `"account_locked"`) {
		t.Fatalf("status %d body %s, want 429 account_locked", w.Code, w.Body)
	}
	if len(w.Result().Cookies()) != 0 {
		t.Fatalf("a locked login set cookies: %v", w.Result().Cookies())
	}
	if got := lock.checks.Load(); got != 2 {
		t.Fatalf("lockout checked %d times, want 2", got)
	}
}
