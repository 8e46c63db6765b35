package routes

import "convexgw/convexclient"

// The internal auth functions the login flow calls with the deploy key
// (functions.md). They are Internal: never exposed through the passthrough.
// (Owned by the auth routes; to be merged into bindings.go by the lead.)
var (
	authGetUserByEmail     = convexclient.NewQuery[emailArgs, *authUser](nil, "auth:getUserByEmail", convexclient.Internal)
	authUpdateLastLogin    = convexclient.NewMutation[userIDArgs, any](nil, "auth:updateLastLogin", convexclient.Internal)
	authUpdatePasswordHash = convexclient.NewMutation[passwordHashArgs, any](nil, "auth:updatePasswordHash", convexclient.Internal)
)

// emailArgs are the args of auth:getUserByEmail.
type emailArgs struct {
	Email string `json:"email"`
}

// userIDArgs are the args of auth:updateLastLogin.
type userIDArgs struct {
	UserID string `json:"userId"`
}

// passwordHashArgs are the args of auth:updatePasswordHash.
type passwordHashArgs struct {
	UserID       string `json:"userId"`
	PasswordHash string `json:"passwordHash"`
}

// authUser is a users document as auth:getUserByEmail returns it, hash
// included. It never leaves the gateway: responses use publicUser.
type authUser struct {
	ID           string `json:"_id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	IsActive     bool   `json:"isActive"`
	PasswordHash string `json:"passwordHash"`
}
