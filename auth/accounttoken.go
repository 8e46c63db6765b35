package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// TokenPurpose is what a single-use account token is for. A token only
// works for the purpose it was issued for.
type TokenPurpose string

// Purposes of account tokens, with their default lifetimes.
const (
	PurposeResetPassword TokenPurpose = "reset"  // 1 hour
	PurposeVerifyEmail   TokenPurpose = "verify" // 24 hours
	PurposeInvitation    TokenPurpose = "invite" // 7 days
)

// ErrAccountToken means an account token is unknown, used already, expired,
// for another purpose or malformed. Callers answer all of them alike (400
// with one message), so an attacker learns nothing about which.
var ErrAccountToken = errors.New("auth: invalid or expired link")

// AccountTokenConfig configures AccountTokens. Zero durations take the
// defaults noted.
type AccountTokenConfig struct {
	// Store keeps the tokens (hashed), so every replica sharing it can
	// consume a token any of them issued. Required.
	Store Store
	// ResetTTL (default 1h), VerifyTTL (default 24h) and InviteTTL
	// (default 7 days) are how long a token of each purpose is valid.
	ResetTTL, VerifyTTL, InviteTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// LinkToken is a secret single-use token to put in a link. Its String,
// GoString and Format methods redact it, so it cannot reach a log by
// accident; Reveal returns the value for the link itself.
type LinkToken struct{ v string }

// Reveal returns the token's value.
func (t LinkToken) Reveal() string { return t.v }

// String implements fmt.Stringer without the secret.
func (t LinkToken) String() string { return "LinkToken[redacted]" }

// GoString implements fmt.GoStringer without the secret.
func (t LinkToken) GoString() string { return t.String() }

// Format implements fmt.Formatter: every verb prints the redacted form.
func (t LinkToken) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// MarshalJSON writes the redacted form: a token is never serialised by accident.
func (t LinkToken) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// TokenGrant is what a consumed account token was issued for.
type TokenGrant struct {
	Purpose TokenPurpose
	// UserID is the account the token acts on.
	UserID string
	// Data is the caller's extra value given at issue (for example the
	// email address being verified), empty when none.
	Data string
	// ExpiresAt is when the token would have expired.
	ExpiresAt time.Time
}

// AccountTokens issues and consumes single-use tokens for password reset,
// email verification and invitations. A token is "<selector>.<verifier>":
// 128 random bits that name the stored record and 256 random bits of which
// only a SHA-256 hash is stored, compared in constant time. The record
// holds the purpose (in its key), the user id, the extra data and the
// expiry. It is safe for concurrent use.
type AccountTokens struct {
	cfg AccountTokenConfig
}

// NewAccountTokens validates cfg. Errors match ErrConfig.
func NewAccountTokens(cfg AccountTokenConfig) (*AccountTokens, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: account tokens need a Store", ErrConfig)
	}
	if cfg.ResetTTL <= 0 {
		cfg.ResetTTL = time.Hour
	}
	if cfg.VerifyTTL <= 0 {
		cfg.VerifyTTL = 24 * time.Hour
	}
	if cfg.InviteTTL <= 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &AccountTokens{cfg: cfg}, nil
}

// TTL returns how long a token of purpose is valid (zero for an unknown purpose).
func (a *AccountTokens) TTL(purpose TokenPurpose) time.Duration {
	switch purpose {
	case PurposeResetPassword:
		return a.cfg.ResetTTL
	case PurposeVerifyEmail:
		return a.cfg.VerifyTTL
	case PurposeInvitation:
		return a.cfg.InviteTTL
	}
	return 0
}

type tokenRecord struct {
	UserID string `json:"u"`
	Data   string `json:"d,omitempty"`
	Hash   []byte `json:"h"`
	Exp    int64  `json:"e"` // Unix microseconds
}

const (
	selectorBytes = 16
	verifierBytes = 32
)

// Issue creates a token for purpose and userID (data is optional extra,
// returned by Consume) and returns it with its expiry. Errors: ErrConfig
// for an unknown purpose or an empty user id; ErrStore.
func (a *AccountTokens) Issue(ctx context.Context, purpose TokenPurpose, userID, data string) (LinkToken, time.Time, error) {
	ttl := a.TTL(purpose)
	if ttl == 0 || userID == "" {
		return LinkToken{}, time.Time{}, fmt.Errorf("%w: account token needs a known purpose and a user id", ErrConfig)
	}
	raw := make([]byte, selectorBytes+verifierBytes)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails on supported platforms
	sel := base64.RawURLEncoding.EncodeToString(raw[:selectorBytes])
	ver := base64.RawURLEncoding.EncodeToString(raw[selectorBytes:])
	now := a.cfg.Now()
	exp := now.Add(ttl)
	sum := sha256.Sum256([]byte(ver))
	rec, err := json.Marshal(tokenRecord{UserID: userID, Data: data, Hash: sum[:], Exp: exp.UnixMicro()})
	if err != nil {
		return LinkToken{}, time.Time{}, fmt.Errorf("auth: encoding account token: %w", err)
	}
	if err := a.cfg.Store.PutValue(ctx, tokenKey(purpose, sel), rec, now, exp); err != nil {
		return LinkToken{}, time.Time{}, fmt.Errorf("auth: storing account token: %w", err)
	}
	return LinkToken{v: sel + "." + ver}, exp, nil
}

// Restore puts back a token Consume took, with the grant Consume returned
// for it: the same link works again, until its original expiry. It is for
// a flow that consumed a token and then could not finish (the new password
// was refused, the backend failed), so the user can try again with the
// link rather than ask for a new one. Restoring a grant that has expired
// does nothing. Errors: ErrAccountToken for a token that is not well
// formed or a grant without a user id; an error matching ErrStore.
func (a *AccountTokens) Restore(ctx context.Context, token string, g TokenGrant) error {
	sel, ver, ok := splitToken(token)
	if !ok || g.UserID == "" || a.TTL(g.Purpose) == 0 {
		return ErrAccountToken
	}
	now := a.cfg.Now()
	if !g.ExpiresAt.After(now) {
		return nil
	}
	sum := sha256.Sum256([]byte(ver))
	rec, err := json.Marshal(tokenRecord{UserID: g.UserID, Data: g.Data, Hash: sum[:], Exp: g.ExpiresAt.UnixMicro()})
	if err != nil {
		return fmt.Errorf("auth: encoding account token: %w", err)
	}
	if err := a.cfg.Store.PutValue(ctx, tokenKey(g.Purpose, sel), rec, now, g.ExpiresAt); err != nil {
		return fmt.Errorf("auth: restoring account token: %w", err)
	}
	return nil
}

// splitToken splits a token into its selector and verifier, checking
// their lengths and the selector's encoding.
func splitToken(token string) (sel, ver string, ok bool) {
	sel, ver, ok = strings.Cut(token, ".")
	if !ok || len(sel) != base64.RawURLEncoding.EncodedLen(selectorBytes) ||
		len(ver) != base64.RawURLEncoding.EncodedLen(verifierBytes) {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(sel); err != nil {
		return "", "", false
	}
	return sel, ver, true
}

func tokenKey(purpose TokenPurpose, selector string) string {
	return "otk:" + string(purpose) + ":" + selector
}

// Consume checks token for purpose and uses it up: the stored record is
// taken and deleted in one atomic step, so of two concurrent uses at most
// one succeeds, and a second use fails. Any failure is ErrAccountToken
// (a store failure: an error matching ErrStore). A token whose verifier
// does not match is used up as well: only someone holding the whole
// token's selector can cause that.
func (a *AccountTokens) Consume(ctx context.Context, purpose TokenPurpose, token string) (TokenGrant, error) {
	sel, ver, ok := splitToken(token)
	if !ok || a.TTL(purpose) == 0 {
		return TokenGrant{}, ErrAccountToken
	}
	v, found, err := a.cfg.Store.TakeValue(ctx, tokenKey(purpose, sel), a.cfg.Now())
	if err != nil {
		return TokenGrant{}, fmt.Errorf("auth: consuming account token: %w", err)
	}
	if !found {
		return TokenGrant{}, ErrAccountToken
	}
	var rec tokenRecord
	if json.Unmarshal(v, &rec) != nil {
		return TokenGrant{}, ErrAccountToken
	}
	sum := sha256.Sum256([]byte(ver))
	if subtle.ConstantTimeCompare(sum[:], rec.Hash) != 1 {
		return TokenGrant{}, ErrAccountToken
	}
	exp := time.UnixMicro(rec.Exp).UTC()
	if !exp.After(a.cfg.Now()) {
		return TokenGrant{}, ErrAccountToken
	}
	return TokenGrant{Purpose: purpose, UserID: rec.UserID, Data: rec.Data, ExpiresAt: exp}, nil
}
