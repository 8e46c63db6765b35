package accounts

import (
	"context"
	"fmt"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// Default function names of the contract (the demo app's).
const (
	DefaultFindByEmail     = "auth:getUserByEmail"
	DefaultRecordLogin     = "auth:updateLastLogin"
	DefaultSetPasswordHash = "auth:updatePasswordHash"
)

// Functions names the Convex functions of the contract. An empty
// RecordLogin or SetPasswordHash switches that mutation off (the method
// returns ErrNotSupported); FindByEmail is required. Use DefaultFunctions
// for the defaults.
type Functions struct {
	FindByEmail     string // internal query {email} → user | null
	RecordLogin     string // internal mutation {userId, at} → null; "" = off
	SetPasswordHash string // internal mutation {userId, passwordHash} → null; "" = off
}

// DefaultFunctions returns the default function names.
func DefaultFunctions() Functions {
	return Functions{FindByEmail: DefaultFindByEmail, RecordLogin: DefaultRecordLogin,
		SetPasswordHash: DefaultSetPasswordHash}
}

// Validate reports a missing lookup function or a malformed function path.
func (f Functions) Validate() error {
	if f.FindByEmail == "" {
		return fmt.Errorf("accounts: the user lookup function is required")
	}
	for _, p := range []string{f.FindByEmail, f.RecordLogin, f.SetPasswordHash} {
		if p != "" && !convexclient.ValidPath(p) {
			return fmt.Errorf("accounts: %q is not a Convex function path (module:function)", p)
		}
	}
	return nil
}

// UserDoc is the user document findByEmail returns: only _id, email and
// passwordHash are required; other fields of the document are ignored.
type UserDoc struct {
	ID           string  `json:"_id"`
	Email        string  `json:"email"`
	PasswordHash *string `json:"passwordHash,omitempty"` // absent: no password set yet
	Name         *string `json:"name,omitempty"`
	Role         *string `json:"role,omitempty"`
	IsActive     *bool   `json:"isActive,omitempty"` // absent means active
}

// EmailArgs are the args of findByEmail.
type EmailArgs struct {
	Email string `json:"email"`
}

// RecordLoginArgs are the args of recordLogin: the login time is an
// argument (epoch milliseconds), so a replayed call writes the same value.
type RecordLoginArgs struct {
	UserID string  `json:"userId"`
	At     float64 `json:"at"`
}

// PasswordHashArgs are the args of setPasswordHash.
type PasswordHashArgs struct {
	UserID       string `json:"userId"`
	PasswordHash string `json:"passwordHash"`
}

// Convex is the default Accounts: the contract's internal functions called
// with the deploy key. It is immutable and safe for concurrent use.
type Convex struct {
	client      *convexclient.Client
	find        convexclient.Query[EmailArgs, *UserDoc]
	record      *convexclient.Mutation[RecordLoginArgs, any]
	setPassword *convexclient.Mutation[PasswordHashArgs, any]
}

// NewConvex returns the Convex implementation calling fns through client.
// It declares the functions, all Internal, in reg (which may be nil), so
// they are checked against the deployment's function spec with the app's
// bindings. It panics when fns is invalid (see Functions.Validate): call
// Validate first with configuration input.
func NewConvex(client *convexclient.Client, fns Functions, reg *convexclient.Registry) *Convex {
	if err := fns.Validate(); err != nil {
		panic(err)
	}
	c := &Convex{client: client,
		find: convexclient.NewQuery[EmailArgs, *UserDoc](reg, fns.FindByEmail, convexclient.Internal,
			convexclient.PartialResult())} // the contract reads a subset of the user document
	if fns.RecordLogin != "" {
		m := convexclient.NewMutation[RecordLoginArgs, any](reg, fns.RecordLogin, convexclient.Internal)
		c.record = &m
	}
	if fns.SetPasswordHash != "" {
		m := convexclient.NewMutation[PasswordHashArgs, any](reg, fns.SetPasswordHash, convexclient.Internal)
		c.setPassword = &m
	}
	return c
}

// FindByEmail implements Accounts.
func (c *Convex) FindByEmail(ctx context.Context, email string) (*Account, error) {
	u, err := c.find.Call(ctx, c.client, EmailArgs{Email: email})
	if err != nil {
		return nil, fmt.Errorf("accounts: find by email: %w", err)
	}
	if u == nil {
		return nil, nil
	}
	a := &Account{ID: u.ID, Email: u.Email, Active: u.IsActive == nil || *u.IsActive}
	if u.PasswordHash != nil {
		a.PasswordHash = *u.PasswordHash
	}
	if u.Name != nil {
		a.Name = *u.Name
	}
	if u.Role != nil {
		a.Role = *u.Role
	}
	return a, nil
}

// RecordLogin implements Accounts.
func (c *Convex) RecordLogin(ctx context.Context, userID string, at time.Time) error {
	if c.record == nil {
		return ErrNotSupported
	}
	if _, err := c.record.Call(ctx, c.client, RecordLoginArgs{UserID: userID, At: float64(at.UnixMilli())}); err != nil {
		return fmt.Errorf("accounts: record login: %w", err)
	}
	return nil
}

// SetPasswordHash implements Accounts.
func (c *Convex) SetPasswordHash(ctx context.Context, userID, hash string) error {
	if c.setPassword == nil {
		return ErrNotSupported
	}
	if _, err := c.setPassword.Call(ctx, c.client, PasswordHashArgs{UserID: userID, PasswordHash: hash}); err != nil {
		return fmt.Errorf("accounts: set password hash: %w", err)
	}
	return nil
}
