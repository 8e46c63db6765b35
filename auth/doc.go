// Package auth decides who a caller is: bcrypt passwords in a bounded pool,
// HS256 session tokens with cookies, sliding refresh and revocation,
// RS256/ES256 identity tokens that a Convex customJwt provider verifies (with
// their JWKS and OpenID discovery documents), CSRF tokens and an Origin
// policy, account lockout, and GCRA rate limits. Lockout, rate-limit and
// revocation state lives in a Store: MemoryStore for one process,
// RedisStore for replicas that must agree.
//
// The package is pure Go with no HTTP routing: routes and gateway adapt it.
// Every time rule reads an injected clock (the Now fields), and stores
// decide expiry with the caller's time, so tests drive time without
// sleeping, also against a real Redis. No function logs or returns in an
// error a password, hash, token or key; MaskEmail keeps emails out of logs.
//
// # Lockout trade-off
//
// Per-account lockout (the default) stops online guessing against one
// account from any number of addresses, but anyone who knows a victim's
// email can keep that account locked by failing on purpose. The
// PerAccountAndIP mode counts failures per (account, client IP) pair, so a
// stranger elsewhere cannot lock the victim out, at the cost of letting a
// distributed attacker make MaxFailures guesses per address. Pair either
// mode with the per-IP and per-account login rate limits (DefaultPolicies),
// which slow distributed guessing without locking anyone out.
//
// # Login timing
//
// Passwords.Verify compares an unknown user's password against a dummy
// hash so the answer takes as long as for a real account. bcrypt's time
// doubles per cost step, so the dummy must have the cost the stored hashes
// have, not the cost new hashes get: by default it follows the most common
// cost among the stored hashes Verify has checked (PasswordConfig.DummyCost
// pins it). Until the first real account is checked after a start, the
// configured cost is used.
//
// # Errors
//
// Callers match sentinels with errors.Is: ErrInvalidCredentials,
// ErrBusy (*BusyError with RetryAfter), ErrInvalidSession and
// ErrSessionRevoked, ErrInvalidToken, ErrCSRF and ErrForbiddenOrigin,
// ErrLocked (*LockedError with Until), ErrRateLimited, ErrStore, ErrConfig.
package auth
