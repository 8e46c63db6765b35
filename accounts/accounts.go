// Package accounts is the gateway's login contract: what the gateway needs
// from an app to sign its users in, as a small interface (Accounts), and the
// default implementation over Convex functions (Convex), whose function
// names are settings.
//
// The Convex side of the login contract is three internal functions, called
// with the deploy key (never exposed):
//
//	findByEmail      internal query    {email: string} → user | null
//	recordLogin      internal mutation {userId: Id, at: number} → null
//	setPasswordHash  internal mutation {userId: Id, passwordHash: string} → null
//
// The account flows (sign-up, invitations, email verification, password
// reset) need three more, behind the second interface Lifecycle:
//
//	createUser         internal mutation {email, name, role?, passwordHash?, emailVerified} → Id
//	                   (ConvexError {code: "EMAIL_TAKEN"} when the email exists)
//	markEmailVerified  internal mutation {userId: Id} → null
//	findById           internal query    {userId: string} → user | null
//
// Invitations need the app's say on who may invite whom: one public
// function, called with the inviting user's identity (not the deploy key),
// so the deployment checks the caller's role as it does for its own
// functions, behind the interface Inviter:
//
//	authorizeInvitation  public query {email, role} → null
//	                     (ConvexError {code: "FORBIDDEN"} for a caller who
//	                     may not invite; {code: "INVALID", field: "role"}
//	                     for a role the app does not have)
//
// The user document needs only _id, email and passwordHash; name, role,
// isActive and emailVerified are optional (isActive absent means active,
// emailVerified absent means verified: an account that predates
// verification). Any other field is ignored. A reference module
// implementing the contract, with its args and returns validators, is in
// docs/accounts.md.
package accounts

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// Account is a user as the login flow sees it. PasswordHash is a bcrypt
// hash, or empty for an account that has no password yet (it cannot sign
// in). Name and Role may be empty.
type Account struct {
	ID           string
	Email        string
	PasswordHash string `json:"-"` // never encoded
	Name         string
	Role         string
	// Active is false for a deactivated account: it cannot sign in.
	Active bool
	// EmailVerified is false for an account whose email address has not
	// been confirmed yet (created by sign-up with verification required).
	// Accounts whose document has no emailVerified field are verified.
	EmailVerified bool
}

// String never prints the hash.
func (a Account) String() string {
	return "Account{ID:" + a.ID + " Role:" + a.Role + "}"
}

// GoString never prints the hash.
func (a Account) GoString() string { return a.String() }

// Accounts is the login contract the gateway's auth routes consume. An app
// may implement it itself (for example over another user store); the
// default is Convex. Implementations are safe for concurrent use.
type Accounts interface {
	// FindByEmail returns the account with this email (already trimmed and
	// lower-cased by the caller), or nil and no error when there is none.
	FindByEmail(ctx context.Context, email string) (*Account, error)
	// RecordLogin records a successful sign-in at the given time. It is run
	// after the response, possibly more than once for one login (retries),
	// so it must be idempotent for the same (userID, at). Return
	// ErrNotSupported to switch it off.
	RecordLogin(ctx context.Context, userID string, at time.Time) error
	// SetPasswordHash replaces the account's bcrypt hash (re-hash at a
	// higher cost after a successful login). Return ErrNotSupported to
	// switch re-hashing off.
	SetPasswordHash(ctx context.Context, userID, hash string) error
}

// Lifecycle is what the account flows need beyond signing in: creating
// users (sign-up, invitations), confirming their email address, and
// reading an account by id (re-reading a session's claims). An app that only
// signs users in implements Accounts alone; the flows are available when
// its Accounts also implements Lifecycle (accounts.Convex does). Methods
// that an implementation switched off return ErrNotSupported.
// Implementations are safe for concurrent use.
type Lifecycle interface {
	Accounts
	// CreateUser creates an account and returns its id. The email is
	// already trimmed and lower-cased. An existing account with this email
	// gives ErrEmailTaken (and nothing is created): of two concurrent
	// creations with one email, at most one succeeds.
	CreateUser(ctx context.Context, u NewUser) (id string, err error)
	// MarkEmailVerified records that the account's owner confirmed the
	// email address. Marking a verified account again is harmless (the
	// call is idempotent, so it may be retried).
	MarkEmailVerified(ctx context.Context, userID string) error
	// FindByID returns the account with this id, or nil and no error when
	// there is none (also for a string that is not an id of the users
	// table).
	FindByID(ctx context.Context, userID string) (*Account, error)
}

// Inviter is the app's say on invitations (accounts.Convex implements it).
// Implementations are safe for concurrent use.
type Inviter interface {
	// AuthorizeInvitation returns nil when the caller, whose identity ctx
	// carries (the gateway's routes.CallContext: never the bare deploy
	// key), may invite inv.Email with inv.Role, else the reason: a
	// Convex function error the routes map to a status (FORBIDDEN 403,
	// INVALID 422 naming the field). ErrNotSupported when the
	// implementation switched invitations off.
	AuthorizeInvitation(ctx context.Context, inv Invitation) error
}

// Invitation is an account an administrator asks to create.
type Invitation struct {
	// Email is the invitee's address, trimmed and lower-cased.
	Email string
	// Role is the app's role name for the new account.
	Role string
}

// NewUser is an account to create.
type NewUser struct {
	// Email is the address, already trimmed and lower-cased. Required.
	Email string
	// Name is the display name; Role the app's role name ("" lets the app
	// choose its default).
	Name, Role string
	// PasswordHash is a bcrypt hash, or empty for an account without a
	// password yet (an invitation: the invitee sets one through a link).
	PasswordHash string `json:"-"` // never encoded
	// EmailVerified marks the address as confirmed already (an invitation
	// proves it once the link is used; an admin may vouch for it).
	EmailVerified bool
}

// String never prints the hash.
func (u NewUser) String() string {
	return "NewUser{Role:" + u.Role + " HasPassword:" + strconv.FormatBool(u.PasswordHash != "") + "}"
}

// GoString never prints the hash.
func (u NewUser) GoString() string { return u.String() }

// ErrEmailTaken is returned by Lifecycle.CreateUser when an account with
// the email exists. The flows must not reveal it to the caller (sign-up
// answers the same either way and mails the owner instead).
var ErrEmailTaken = errors.New("accounts: email already taken")

// ErrNotSupported is returned by an Accounts method the implementation
// does not offer (for example a switched-off function name). Callers treat
// it as "nothing to do", not as a failure.
var ErrNotSupported = errors.New("accounts: not supported")
