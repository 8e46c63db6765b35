// Package messages is a small Convex app for the gateway's examples and
// tests: a public messages:list query and messages:send mutation, and an
// internal users:byEmail lookup (the login contract's user query). Its
// Convex functions are in convex/ (TypeScript, deployable); Deployment
// serves the same functions from Go on a convextest fake, for tests and
// for trying the config-only gateway locally (go run ./examples/messages/fakeserver).
//
// It has no after-login mutations and no account flows: run the gateway
// with ACCOUNTS_FIND_BY_EMAIL=users:byEmail and the other ACCOUNTS_*
// settings off (ACCOUNTS_RECORD_LOGIN, ACCOUNTS_SET_PASSWORD_HASH,
// ACCOUNTS_CREATE_USER, ACCOUNTS_MARK_EMAIL_VERIFIED, ACCOUNTS_FIND_BY_ID,
// ACCOUNTS_AUTHORIZE_INVITATION), as examples/messages/clientcheck/run.sh
// does; with FUNCTION_SPEC_FILE the start-up check names any left on.
package messages

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

// A seeded user of the fake (the password is for local trials only).
const (
	UserID       = "k17user0alice0000000000000000001"
	UserEmail    = "alice@example.com"
	UserPassword = "correct horse battery staple"
)

// Message is a messages document.
type Message struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Author       string  `json:"author"`
	Body         string  `json:"body"`
}

// Deployment returns a fake deployment serving the app's functions, with
// one user (UserEmail / UserPassword, bcrypt cost 10) and two messages.
// Identity comes from the caller's credential as on Convex: messages:send
// needs one (ConvexError UNAUTHENTICATED otherwise) and records its subject
// as the author. now may be nil (time.Now).
func Deployment(opts convextest.Options, now func() time.Time) (*convextest.Deployment, error) {
	if now == nil {
		now = time.Now
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(UserPassword), 10)
	if err != nil {
		return nil, fmt.Errorf("messages: hash the seed password: %w", err)
	}
	var mu sync.Mutex
	msgs := []Message{
		{ID: "k17msg00000000000000000000000001", CreationTime: 1.7e12, Author: UserID, Body: "Hello!"},
		{ID: "k17msg00000000000000000000000002", CreationTime: 1.7e12 + 1, Author: UserID, Body: "Welcome to the messages app."},
	}
	d := convextest.NewDeployment(opts)
	d.Query("messages:list", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct{}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		out := make([]Message, len(msgs)) // newest first
		for i, m := range msgs {
			out[len(msgs)-1-i] = m
		}
		return out, nil
	})
	d.Mutation("messages:send", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Body string `json:"body"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if c.Identity == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "UNAUTHENTICATED"})
		}
		if strings.TrimSpace(args.Body) == "" || len(args.Body) > 1000 {
			return nil, convextest.ConvexError(map[string]any{"code": "INVALID", "field": "body",
				"message": "body must be 1 to 1000 characters"})
		}
		mu.Lock()
		defer mu.Unlock()
		m := Message{ID: fmt.Sprintf("k17msg%026d", len(msgs)+1), CreationTime: float64(now().UnixMilli()),
			Author: c.Identity.Subject, Body: args.Body}
		msgs = append(msgs, m)
		return m.ID, nil
	})
	d.Query("users:byEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Email string `json:"email"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if args.Email != UserEmail {
			return nil, nil
		}
		// Only the contract's required fields: no name, role or isActive.
		return map[string]any{"_id": UserID, "_creationTime": 1.7e12, "email": UserEmail,
			"passwordHash": string(hash)}, nil
	}, convextest.Internal())
	return d, nil
}
