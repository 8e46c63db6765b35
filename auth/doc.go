// Package auth decides who a caller is: bcrypt passwords in a bounded pool,
// HS256 session tokens with cookies, sliding refresh and a session
// registry, RS256/ES256 identity tokens that a Convex customJwt provider
// verifies (with their JWKS and OpenID discovery documents), CSRF tokens
// and an Origin policy, login attempt accounting with lockout, GCRA rate
// limits, single-use account tokens and a password policy. Shared state
// lives in a Store: MemoryStore for one process, RedisStore for replicas
// that must agree, ResilientStore around either for timeouts and a breaker.
//
// The package is pure Go with no HTTP routing: routes and gateway adapt it.
// Every time rule reads an injected clock (the Now fields), and stores
// decide expiry with the caller's time (RedisStore's GCRA excepted, see
// RedisStoreConfig), so tests drive time without sleeping, also against a
// real Redis. No function logs or returns in an error a password, hash,
// token or key; MaskEmail keeps emails out of logs.
//
// # Login
//
// A login handler calls LoginGuard.Begin (per-IP limit, per-account limit,
// then Lockout.Begin) before it looks at the password. Lockout.Begin
// counts the attempt per account in one atomic store operation, so
// however many guesses run in parallel, from however many addresses, at
// most MaxFailures passwords per account are checked per window; the
// attempt beyond sets the lock. After bcrypt, Attempt.Succeed either
// clears the count or, if a lock was set meanwhile, reports it: the
// handler then answers exactly as for a wrong password, so a lock never
// confirms a right password. Per-account lockout lets anyone who knows an
// email keep that account locked by failing on purpose; PairMaxFailures
// (a lower per-address limit) and the rate limits let the account limit
// stay generous without giving a distributed attacker more guesses.
//
// # Login timing
//
// Every refusal costs the same bcrypt work: Passwords.Verify compares an
// unknown user's password against a dummy hash at the configured cost
// (never a cost learnt from traffic, which an attacker could steer), pads
// a wrong password for a cheaper legacy hash with dummy comparisons up to
// the configured cost, and treats a malformed hash like an unknown user;
// Passwords.Waste spends the same for refusals that check no password
// (locked, inactive).
//
// # Sessions
//
// A session is a signed token plus a record in the Store's session
// registry (created, last seen, client, expiry). Verify and Revalidate
// require the record, so revoking one session, all others of a user or
// all of a user is deleting records, effective at once on every replica
// sharing the store. Each user holds at most MaxPerUser sessions (starting
// one more revokes their oldest), so no user's volume takes capacity from
// another. Convex tokens carry the session id ("sid") so a verifier can
// refuse them once the session is gone (Sessions.CheckID).
//
// # State store failures
//
// Nothing in this package fails open: a store error is returned (matching
// ErrStore; ErrStoreUnavailable while a ResilientStore's breaker is open)
// and the caller decides. The gateway's policy: login, the lockout,
// session verification and revocation, account tokens fail closed with
// 503 state_unavailable and Retry-After (never 401, which would sign
// users out, and never 500); only the general per-IP API rate limit may
// fail open, logged, since refusing every request because the limiter is
// down would turn a Redis outage into a full outage.
//
// # Errors
//
// Callers match sentinels with errors.Is: ErrInvalidCredentials,
// ErrBusy (*BusyError with RetryAfter), ErrInvalidSession and
// ErrSessionRevoked, ErrInvalidToken, ErrCSRF and ErrForbiddenOrigin,
// ErrLocked (*LockedError with Until), ErrRateLimited (*RateLimitError
// from LoginGuard), ErrStore (ErrStoreFull, ErrStoreUnavailable),
// ErrAccountToken, ErrWeakPassword (*WeakPasswordError with a Reason for
// users), ErrConfig.
package auth
