// Package accounts is the gateway's login contract: what the gateway needs
// from an app to sign its users in, as a small interface (Accounts), and the
// default implementation over Convex functions (Convex), whose function
// names are settings.
//
// The Convex side of the contract is three internal functions, called with
// the deploy key (never exposed):
//
//	findByEmail      internal query    {email: string} → user | null
//	recordLogin      internal mutation {userId: Id, at: number} → null
//	setPasswordHash  internal mutation {userId: Id, passwordHash: string} → null
//
// The user document needs only _id, email and passwordHash; name, role and
// isActive are optional (isActive absent means active). Any other field is
// ignored. A reference module implementing the contract, with its args and
// returns validators, is in this package's README.md (docs/accounts.md).
package accounts

import (
	"context"
	"errors"
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

// ErrNotSupported is returned by an Accounts method the implementation
// does not offer (for example a switched-off function name). Callers treat
// it as "nothing to do", not as a failure.
var ErrNotSupported = errors.New("accounts: not supported")
