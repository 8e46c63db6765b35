package auth_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/convexgw/convexgw/auth"
)

// Example shows the login flow routes build from these pieces: the login
// guard (rate limits and the atomic attempt count) before the password
// check, the same refusal for every failure, then a session recorded in
// the registry with its cookies and CSRF token, and a Convex token bound
// to the session.
func Example() {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC) }
	// Or auth.NewResilientStore(auth.NewRedisStore(client, "convexgw:"), ...)
	// with auth.TuneRedisOptions applied to the client's options.
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	secret := func() []byte { b := make([]byte, 32); _, _ = rand.Read(b); return b }

	passwords := auth.NewPasswords(auth.PasswordConfig{Cost: 4}) // 12 in production
	limiter, _ := auth.NewLimiter(store, auth.DefaultPolicies(), now)
	guard, _ := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: limiter, Lockout: auth.NewLockout(store, auth.LockoutConfig{Now: now})})
	sessions, _ := auth.NewSessions(auth.SessionConfig{
		Keys: []auth.SessionKey{{ID: "2026-01", Secret: secret()}}, Issuer: "https://gw.example.com",
		Audience: "convexgw-session", Store: store, Secure: true, Now: now,
	})
	csrf, _ := auth.NewCSRF(secret())
	tokens, _ := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "https://gw.example.com", Ephemeral: true, Now: now})

	storedHash, _ := passwords.Hash(ctx, "demo-admin-pass")
	login := func(email, password, ip string) error {
		attempt, err := guard.Begin(ctx, email, ip)
		if err != nil {
			return err // 429 rate_limited / account_locked + Retry-After; ErrStore: 503 state_unavailable
		}
		hash, active := "", false // from the accounts lookup; "" when there is no such user
		if email == "admin@demo.test" {
			hash, active = storedHash, true
		}
		if !active && hash != "" {
			err = passwords.Waste(ctx, password) // refuse without checking, same time
		} else {
			_, err = passwords.Verify(ctx, hash, password) // unknown user: the dummy compare
		}
		if err == nil {
			err = attempt.Succeed(ctx) // a lock set meanwhile: answered as a wrong password
		} else {
			_ = attempt.Fail(ctx)
		}
		if err != nil {
			if errors.Is(err, auth.ErrLocked) || errors.Is(err, auth.ErrInvalidCredentials) {
				return auth.ErrInvalidCredentials // 401 invalid_credentials
			}
			return err // ErrBusy: 503; ErrStore: 503 state_unavailable
		}
		token, sess, err := sessions.Start(ctx, auth.SessionUser{UserID: "u1", Role: "admin", Email: email},
			auth.ClientInfo{IP: ip, UserAgent: "Example/1.0"})
		if err != nil {
			return err
		}
		fmt.Println("cookie:", sessions.Cookie(token, sess).Name, "csrf cookie:", sessions.CSRFCookie(csrf.Token(sess.ID), sess).Name)
		jwt, exp, _ := tokens.Issue(auth.TokenUser{Subject: "u1", Email: email, Role: "admin", SessionID: sess.ID})
		claims, _ := tokens.Verify(jwt)
		fmt.Println("convex token ok:", jwt != "", "expires in", exp.Sub(now()), "session live:", sessions.CheckID(ctx, claims.Subject, claims.SessionID) == nil)
		list, _ := sessions.List(ctx, "u1")
		fmt.Println("sessions:", len(list), list[0].ClientIP)
		fmt.Println("log as:", auth.MaskEmail(email))
		return nil
	}
	fmt.Println(login("nobody@demo.test", "guess", "192.0.2.1"))
	fmt.Println(login("admin@demo.test", "demo-admin-pass", "192.0.2.1"))
	// Output:
	// auth: invalid credentials
	// cookie: __Host-cgw_session csrf cookie: __Host-cgw_csrf
	// convex token ok: true expires in 10m0s session live: true
	// sessions: 1 192.0.2.1
	// log as: a***@demo.test
	// <nil>
}
