package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// Default function names of the contract (the demo app's).
const (
	DefaultFindByEmail       = "auth:getUserByEmail"
	DefaultRecordLogin       = "auth:updateLastLogin"
	DefaultSetPasswordHash   = "auth:updatePasswordHash"
	DefaultCreateUser        = "auth:createUser"
	DefaultMarkEmailVerified = "auth:markEmailVerified"
	DefaultFindByID          = "auth:getUserById"
	// DefaultAuthorizeInvitation is public (called as the inviting user),
	// unlike the others.
	DefaultAuthorizeInvitation = "users:authorizeInvitation"
)

// Functions names the Convex functions of the contract. FindByEmail is
// required; an empty name switches any other function off (its method
// returns ErrNotSupported). Use DefaultFunctions for the defaults.
type Functions struct {
	FindByEmail     string // internal query {email} → user | null
	RecordLogin     string // internal mutation {userId, at} → null; "" = off
	SetPasswordHash string // internal mutation {userId, passwordHash} → null; "" = off

	// The account flows' functions (Lifecycle).
	CreateUser        string // internal mutation {email, name, role?, passwordHash?, emailVerified} → Id; "" = off
	MarkEmailVerified string // internal mutation {userId} → null; "" = off
	FindByID          string // internal query {userId} → user | null; "" = off
	// AuthorizeInvitation is a public query {email, role} → null called
	// with the inviting user's identity (Inviter); "" = off (no invitations).
	AuthorizeInvitation string
}

// DefaultFunctions returns the default function names.
func DefaultFunctions() Functions {
	return Functions{FindByEmail: DefaultFindByEmail, RecordLogin: DefaultRecordLogin,
		SetPasswordHash: DefaultSetPasswordHash, CreateUser: DefaultCreateUser,
		MarkEmailVerified: DefaultMarkEmailVerified, FindByID: DefaultFindByID,
		AuthorizeInvitation: DefaultAuthorizeInvitation}
}

// Validate reports a missing lookup function or a malformed function path.
func (f Functions) Validate() error {
	if f.FindByEmail == "" {
		return fmt.Errorf("accounts: the user lookup function is required")
	}
	for _, p := range []string{f.FindByEmail, f.RecordLogin, f.SetPasswordHash, f.CreateUser, f.MarkEmailVerified, f.FindByID, f.AuthorizeInvitation} {
		if p != "" && !convexclient.ValidPath(p) {
			return fmt.Errorf("accounts: %q is not a Convex function path (module:function)", p)
		}
	}
	return nil
}

// UserDoc is the user document findByEmail and findById return: only _id
// and email are required; other fields of the document are ignored.
type UserDoc struct {
	ID            string  `json:"_id"`
	Email         string  `json:"email"`
	PasswordHash  *string `json:"passwordHash,omitempty"` // absent: no password set yet
	Name          *string `json:"name,omitempty"`
	Role          *string `json:"role,omitempty"`
	IsActive      *bool   `json:"isActive,omitempty"`      // absent means active
	EmailVerified *bool   `json:"emailVerified,omitempty"` // absent means verified
}

// account converts the document; nil stays nil.
func (u *UserDoc) account() *Account {
	if u == nil {
		return nil
	}
	a := &Account{ID: u.ID, Email: u.Email, Active: u.IsActive == nil || *u.IsActive,
		EmailVerified: u.EmailVerified == nil || *u.EmailVerified}
	if u.PasswordHash != nil {
		a.PasswordHash = *u.PasswordHash
	}
	if u.Name != nil {
		a.Name = *u.Name
	}
	if u.Role != nil {
		a.Role = *u.Role
	}
	return a
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

// CreateUserArgs are the args of createUser. Role and PasswordHash are
// left out when empty.
type CreateUserArgs struct {
	Email         string `json:"email"`
	Name          string `json:"name"`
	Role          string `json:"role,omitempty"`
	PasswordHash  string `json:"passwordHash,omitempty"`
	EmailVerified bool   `json:"emailVerified"`
}

// InvitationArgs are the args of authorizeInvitation.
type InvitationArgs struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// UserIDArgs are the args of markEmailVerified and findById.
type UserIDArgs struct {
	UserID string `json:"userId"`
}

// EmailTakenCode is the ConvexError code createUser throws for an email
// that exists ({code: "EMAIL_TAKEN"}).
const EmailTakenCode = "EMAIL_TAKEN"

// Convex is the default Accounts and Lifecycle: the contract's internal
// functions called with the deploy key. It is immutable and safe for
// concurrent use.
type Convex struct {
	client       *convexclient.Client
	find         convexclient.Query[EmailArgs, *UserDoc]
	record       *convexclient.Mutation[RecordLoginArgs, any]
	setPassword  *convexclient.Mutation[PasswordHashArgs, any]
	create       *convexclient.Mutation[CreateUserArgs, string]
	markVerified *convexclient.Mutation[UserIDArgs, any]
	findByID     *convexclient.Query[UserIDArgs, *UserDoc]
	authorize    *convexclient.Query[InvitationArgs, any]
}

var (
	_ Lifecycle = (*Convex)(nil)
	_ Inviter   = (*Convex)(nil)
)

// NewConvex returns the Convex implementation calling fns through client.
// It declares the functions, all Internal but AuthorizeInvitation, in reg (which may be nil), so
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
	if fns.CreateUser != "" {
		m := convexclient.NewMutation[CreateUserArgs, string](reg, fns.CreateUser, convexclient.Internal)
		c.create = &m
	}
	if fns.MarkEmailVerified != "" {
		m := convexclient.NewMutation[UserIDArgs, any](reg, fns.MarkEmailVerified, convexclient.Internal)
		c.markVerified = &m
	}
	if fns.FindByID != "" {
		q := convexclient.NewQuery[UserIDArgs, *UserDoc](reg, fns.FindByID, convexclient.Internal, convexclient.PartialResult())
		c.findByID = &q
	}
	if fns.AuthorizeInvitation != "" {
		q := convexclient.NewQuery[InvitationArgs, any](reg, fns.AuthorizeInvitation)
		c.authorize = &q
	}
	return c
}

// FindByEmail implements Accounts.
func (c *Convex) FindByEmail(ctx context.Context, email string) (*Account, error) {
	u, err := c.find.Call(ctx, c.client, EmailArgs{Email: email})
	if err != nil {
		return nil, fmt.Errorf("accounts: find by email: %w", err)
	}
	return u.account(), nil
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
		return fmt.Errorf("accounts: set password hash: %w", redactArgs(err))
	}
	return nil
}

// CreateUser implements Lifecycle.
func (c *Convex) CreateUser(ctx context.Context, u NewUser) (string, error) {
	if c.create == nil {
		return "", ErrNotSupported
	}
	id, err := c.create.Call(ctx, c.client, CreateUserArgs{Email: u.Email, Name: u.Name, Role: u.Role,
		PasswordHash: u.PasswordHash, EmailVerified: u.EmailVerified})
	if err != nil {
		if data, ok := convexclient.ErrorData[struct {
			Code string `json:"code"`
		}](err); ok && data.Code == EmailTakenCode {
			return "", ErrEmailTaken
		}
		return "", fmt.Errorf("accounts: create user: %w", redactArgs(err))
	}
	if id == "" {
		return "", fmt.Errorf("accounts: create user: %s returned an empty id", c.create.Info().Path)
	}
	return id, nil
}

// MarkEmailVerified implements Lifecycle.
func (c *Convex) MarkEmailVerified(ctx context.Context, userID string) error {
	if c.markVerified == nil {
		return ErrNotSupported
	}
	if _, err := c.markVerified.Call(ctx, c.client, UserIDArgs{UserID: userID}); err != nil {
		return fmt.Errorf("accounts: mark email verified: %w", err)
	}
	return nil
}

// FindByID implements Lifecycle.
func (c *Convex) FindByID(ctx context.Context, userID string) (*Account, error) {
	if c.findByID == nil {
		return nil, ErrNotSupported
	}
	u, err := c.findByID.Call(ctx, c.client, UserIDArgs{UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("accounts: find by id: %w", err)
	}
	return u.account(), nil
}

// AuthorizeInvitation implements Inviter: the function runs as the caller
// whose credential ctx carries.
func (c *Convex) AuthorizeInvitation(ctx context.Context, inv Invitation) error {
	if c.authorize == nil {
		return ErrNotSupported
	}
	if _, err := c.authorize.Call(ctx, c.client, InvitationArgs{Email: inv.Email, Role: inv.Role}); err != nil {
		return fmt.Errorf("accounts: authorize invitation: %w", err)
	}
	return nil
}

// redactArgs hides the backend's message of a function error from a call
// whose args hold a password hash: an argument validation error quotes the
// whole args object. The ConvexError data (thrown by the function itself,
// which never puts the hash there) and the path are kept, so callers still
// match the error; the Convex logs keep the full message under the request id.
func redactArgs(err error) error {
	var fe *convexclient.FunctionError
	if !errors.As(err, &fe) {
		return err
	}
	return &convexclient.FunctionError{Path: fe.Path, Data: fe.Data,
		Message: "function failed (message withheld: it may quote the password hash; see the Convex logs)"}
}
