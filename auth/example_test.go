package auth_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/convexgw/convexgw/auth"
)

// Example shows the login flow routes build from these pieces: rate limit,
// lockout, password check (with the dummy compare for unknown users), then a
// session with its cookies and CSRF token, and the Convex token for the user.
func Example() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{}) // or auth.NewRedisStore(client, "convexgw:auth:")
	secret := func() []byte { b := make([]byte, 32); _, _ = rand.Read(b); return b }

	passwords := auth.NewPasswords(auth.PasswordConfig{Cost: 4}) // 12 in production
	lockout := auth.NewLockout(store, auth.LockoutConfig{Now: now})
	limiter, _ := auth.NewLimiter(store, auth.DefaultPolicies(), now)
	sessions, _ := auth.NewSessions(auth.SessionConfig{
		Keys: []auth.SessionKey{{ID: "2026-01", Secret: secret()}}, Issuer: "https://gw.example.com",
		Audience: "convexgw-session", Store: store, Secure: true, Now: now,
	})
	csrf, _ := auth.NewCSRF(secret())
	tokens, _ := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "https://gw.example.com", Ephemeral: true, Now: now})

	storedHash, _ := passwords.Hash(ctx, "demo-admin-pass")
	login := func(email, password, ip string) error {
		if d, err := limiter.Allow(ctx, auth.PolicyLoginIP, auth.ClientKey(ip)); err != nil || !d.Allowed {
			return errors.Join(err, d.Err()) // 429 rate_limited + Retry-After
		}
		if err := lockout.Check(ctx, email, ip); err != nil {
			return err // 429 account_locked + Retry-After
		}
		hash := "" // from auth:getUserByEmail; "" when there is no such user
		if email == "admin@demo.test" {
			hash = storedHash
		}
		if _, err := passwords.Verify(ctx, hash, password); err != nil {
			if errors.Is(err, auth.ErrInvalidCredentials) {
				_ = lockout.Fail(ctx, email, ip) // a lock shows on the next Check
			}
			return err // 401 invalid_credentials, or 503 for ErrBusy
		}
		_ = lockout.Succeed(ctx, email, ip)
		token, sess, err := sessions.Issue(ctx, auth.SessionUser{UserID: "u1", Role: "admin", Email: email})
		if err != nil {
			return err
		}
		fmt.Println("cookie:", sessions.Cookie(token, sess).Name, "csrf cookie:", sessions.CSRFCookie(csrf.Token(sess.ID), sess).Name)
		jwt, exp, _ := tokens.Issue(auth.TokenUser{Subject: "u1", Email: email, Role: "admin"})
		fmt.Println("convex token ok:", jwt != "", "expires in", exp.Sub(now()))
		fmt.Println("log as:", auth.MaskEmail(email))
		return nil
	}
	fmt.Println(login("nobody@demo.test", "guess", "192.0.2.1"))
	fmt.Println(login("admin@demo.test", "demo-admin-pass", "192.0.2.1"))
	// Output:
	// auth: invalid credentials
	// cookie: __Host-cgw_session csrf cookie: __Host-cgw_csrf
	// convex token ok: true expires in 10m0s
	// log as: a***@demo.test
	// <nil>
}
