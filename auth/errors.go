package auth

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Every error returned by this package matches one of them
// with errors.Is (or is a context error, or a store error wrapping ErrStore),
// and no error text ever contains a password, hash, token or key.
var (
	// ErrInvalidCredentials means the email or password was wrong. Callers
	// answer with one generic message whichever it was.
	ErrInvalidCredentials = errors.New("auth: invalid credentials")
	// ErrPasswordTooLong is returned by Passwords.Hash for passwords over 72 bytes,
	// the most bcrypt reads.
	ErrPasswordTooLong = errors.New("auth: password longer than 72 bytes")
	// ErrPasswordTooShort is matched by the policy's refusal of passwords
	// under MinPasswordRunes characters.
	ErrPasswordTooShort = errors.New("auth: password shorter than 8 characters")
	// ErrWeakPassword is matched by every refusal of PasswordPolicy.Check
	// and CheckNewPassword (a *WeakPasswordError).
	ErrWeakPassword = errors.New("auth: weak password")
	// ErrMalformedHash means a stored password hash is not a bcrypt hash. It
	// comes back joined with ErrInvalidCredentials.
	ErrMalformedHash = errors.New("auth: stored hash is not a bcrypt hash")
	// ErrBusy means the password pool stayed full for the whole wait limit.
	// The concrete error is a *BusyError carrying a retry hint.
	ErrBusy = errors.New("auth: password pool busy")
	// ErrInvalidSession means a session token is missing, malformed, badly
	// signed, expired or revoked. The wrapped cause says which.
	ErrInvalidSession = errors.New("auth: invalid session")
	// ErrSessionRevoked means the session was revoked (logout). It also
	// matches ErrInvalidSession.
	ErrSessionRevoked = fmt.Errorf("%w: revoked", ErrInvalidSession)
	// ErrInvalidToken means a Convex identity token failed verification.
	ErrInvalidToken = errors.New("auth: invalid token")
	// ErrInvalidKey means a signing or session key is unusable.
	ErrInvalidKey = errors.New("auth: invalid key")
	// ErrCSRF means a missing or wrong CSRF token, or a cross-origin unsafe request.
	ErrCSRF = errors.New("auth: csrf check failed")
	// ErrForbiddenOrigin means an unsafe request came from an origin that is
	// not allowed. It also matches ErrCSRF.
	ErrForbiddenOrigin = fmt.Errorf("%w: origin not allowed", ErrCSRF)
	// ErrLocked means the account is locked. The concrete error is a *LockedError.
	ErrLocked = errors.New("auth: account locked")
	// ErrRateLimited is matched by a denied Decision turned into an error with
	// Decision.Err.
	ErrRateLimited = errors.New("auth: rate limited")
	// ErrUnknownPolicy means Limiter.Allow was asked for a policy it was not built with.
	ErrUnknownPolicy = errors.New("auth: unknown rate-limit policy")
	// ErrStore wraps failures of the state store (for example Redis being down).
	ErrStore = errors.New("auth: state store")
	// ErrStoreFull means the memory store is full of entries it must not evict.
	ErrStoreFull = fmt.Errorf("%w: full", ErrStore)
	// ErrStoreUnavailable means a ResilientStore's breaker is open: the
	// store failed recently and is not being called. It also matches
	// ErrStore. Callers answer 503 state_unavailable with Retry-After.
	ErrStoreUnavailable = fmt.Errorf("%w: unavailable", ErrStore)
	// ErrConfig means a configuration value is invalid.
	ErrConfig = errors.New("auth: invalid config")
)

// Causes wrapped inside ErrInvalidSession and ErrInvalidToken. They are
// unexported: callers only need to know the token was rejected, the text
// says why in logs.
var (
	errMalformed    = errors.New("malformed")
	errBadSignature = errors.New("bad signature")
	errExpired      = errors.New("expired")
	errNotYetValid  = errors.New("used before issued")
	errWrongIssuer  = errors.New("wrong issuer")
	errWrongAud     = errors.New("wrong audience")
	errUnknownKid   = errors.New("unknown key id")
	errMissingClaim = errors.New("missing claim")

	errPasswordPersonal  = errors.New("contains the user's name or email")
	errPasswordGuessable = errors.New("too guessable")
)

// BusyError is returned when the password pool is full. Routes answer 503
// with a Retry-After header. It matches ErrBusy.
type BusyError struct {
	// RetryAfter is a suggested wait before trying again.
	RetryAfter time.Duration
}

// Error implements error.
func (e *BusyError) Error() string {
	return fmt.Sprintf("auth: password pool busy, retry after %s", e.RetryAfter)
}

// Is reports whether target is ErrBusy.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// LockedError is returned by Lockout.Check for a locked account. It matches ErrLocked.
type LockedError struct {
	// Until is when the lock ends.
	Until time.Time
	// RetryAfter is Until minus the time of the check, rounded up to a second.
	RetryAfter time.Duration
}

// Error implements error.
func (e *LockedError) Error() string {
	return fmt.Sprintf("auth: account locked until %s", e.Until.UTC().Format(time.RFC3339))
}

// Is reports whether target is ErrLocked.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// ceilSecond rounds d up to whole seconds, at least one, for Retry-After headers.
func ceilSecond(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Second
	}
	return (d + time.Second - 1).Truncate(time.Second)
}
