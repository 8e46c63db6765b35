package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// sessionLeeway is the clock skew allowed on a session token's iat and exp.
const sessionLeeway = 5 * time.Second

// SessionKey is one HMAC key for session tokens. Its String and GoString
// methods redact the secret.
type SessionKey struct {
	// ID is the key id written to the token's "kid" header.
	ID string
	// Secret is the HMAC-SHA256 key, at least 32 bytes of random data.
	Secret []byte
}

// String implements fmt.Stringer without revealing the secret.
func (k SessionKey) String() string { return "SessionKey{ID:" + k.ID + " Secret:[redacted]}" }

// GoString implements fmt.GoStringer without revealing the secret.
func (k SessionKey) GoString() string { return k.String() }

// SessionConfig configures Sessions. Zero durations take the defaults noted.
type SessionConfig struct {
	// Keys verify tokens by "kid"; the first one also signs. Rotate by
	// putting a new key first and keeping the old one until its tokens expire.
	Keys []SessionKey
	// Issuer and Audience are written to and required in every token.
	Issuer, Audience string
	// Lifetime is how long a token is valid (default 7 days).
	Lifetime time.Duration
	// UpdateAge is the token age after which Refresh re-issues it (default 1 day).
	UpdateAge time.Duration
	// MaxAge is the absolute session limit from sign-in (default 30 days):
	// no refresh extends a session past AuthTime+MaxAge.
	MaxAge time.Duration
	// Store holds the session registry: a record per live session, which
	// Verify requires, so revoking is deleting it. Required.
	Store Store
	// MaxPerUser bounds the live sessions of one user (default 20):
	// starting one more revokes that user's oldest.
	MaxPerUser int
	// TouchEvery throttles the registry's last-seen time: Verify and
	// Revalidate write it at most once per TouchEvery per session
	// (default 1 minute).
	TouchEvery time.Duration
	// Secure sets the cookies' Secure flag and the "__Host-" name prefix.
	// Turn it off only for plain-http local development.
	Secure bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Session is a verified session.
type Session struct {
	// ID is the session id ("jti"); it stays the same across refreshes and
	// is what Revoke and CSRF tokens bind to.
	ID string
	// UserID is the subject ("sub").
	UserID, Role, Name, Email string
	// IssuedAt and ExpiresAt bound this token; AuthTime is the sign-in time.
	IssuedAt, ExpiresAt, AuthTime time.Time
}

// SessionUser is who a new session is for, and the claims a session token
// carries about them.
type SessionUser struct {
	UserID, Role, Name, Email string
}

// ClientInfo describes the client starting a session, for the session list.
type ClientInfo struct {
	// IP is the client address (after trusted-proxy handling).
	IP string
	// UserAgent is the User-Agent header; it is cut to 256 bytes.
	UserAgent string
}

type sessionClaims struct {
	jwt.RegisteredClaims
	Role     string `json:"role,omitempty"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	AuthTime int64  `json:"auth_time"`
}

// Sessions issues, verifies, refreshes and revokes HS256 session tokens,
// and keeps the session registry: every session has a record in the Store
// (created, last seen, client IP and user agent, expiry) that Verify and
// Revalidate require, so revoking a session, all others of its user or all
// of a user is deleting records, and one user's sessions (at most
// MaxPerUser) never use another user's capacity. It is safe for
// concurrent use.
//
// Tokens issued before the registry existed have no record and are
// refused: users sign in again once after the upgrade.
type Sessions struct {
	signKey  SessionKey
	keys     map[string][]byte
	cfg      SessionConfig
	parser   *jwt.Parser
	cookie   string
	csrfName string
}

// NewSessions validates cfg, applies defaults and returns Sessions. Errors
// match ErrConfig and list every problem.
func NewSessions(cfg SessionConfig) (*Sessions, error) {
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 7 * 24 * time.Hour
	}
	if cfg.UpdateAge == 0 {
		cfg.UpdateAge = 24 * time.Hour
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = 30 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPerUser <= 0 {
		cfg.MaxPerUser = 20
	}
	if cfg.TouchEvery <= 0 {
		cfg.TouchEvery = time.Minute
	}
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, a...)...))
	}
	if len(cfg.Keys) == 0 {
		bad("session: at least one key is required")
	}
	keys := make(map[string][]byte, len(cfg.Keys))
	for i, k := range cfg.Keys {
		if k.ID == "" {
			bad("session: key %d has no id", i)
		}
		if len(k.Secret) < 32 {
			bad("session: key %q is shorter than 32 bytes", k.ID)
		}
		if _, dup := keys[k.ID]; dup {
			bad("session: duplicate key id %q", k.ID)
		}
		keys[k.ID] = k.Secret
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		bad("session: issuer and audience are required")
	}
	if cfg.Lifetime < 0 || cfg.UpdateAge < 0 || cfg.UpdateAge >= cfg.Lifetime || cfg.Lifetime > cfg.MaxAge {
		bad("session: need 0 < UpdateAge < Lifetime <= MaxAge")
	}
	if cfg.Store == nil {
		bad("session: a Store is required for the session registry")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s := &Sessions{
		signKey: cfg.Keys[0], keys: keys, cfg: cfg,
		cookie: "cgw_session", csrfName: "cgw_csrf",
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
			jwt.WithIssuer(cfg.Issuer), jwt.WithAudience(cfg.Audience),
			jwt.WithTimeFunc(cfg.Now), jwt.WithStrictDecoding(),
			// Replicas' clocks differ a little; a token issued by one must
			// verify on another at once (iat is in whole seconds).
			jwt.WithLeeway(sessionLeeway),
		),
	}
	if cfg.Secure {
		s.cookie, s.csrfName = "__Host-"+s.cookie, "__Host-"+s.csrfName
	}
	return s, nil
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// now is the clock at the JWT's one-second precision, in UTC, so sessions
// compare equal before and after a round trip through a token.
func (s *Sessions) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }

// Issue starts a new session for u, with no client details.
//
// Deprecated: use Start, which records the client for the session list.
func (s *Sessions) Issue(ctx context.Context, u SessionUser) (string, Session, error) {
	return s.Start(ctx, u, ClientInfo{})
}

// Start begins a new session for u (always a new id: signing in again
// rotates the session), records it in the registry with the client's
// details, and returns its signed token. If u now holds more than
// MaxPerUser sessions, the oldest are revoked. Errors: ErrConfig without
// a user id; a Store error (matching ErrStore; ErrStoreFull when a
// MemoryStore's session budget is full and u holds no session) means no
// session was started.
func (s *Sessions) Start(ctx context.Context, u SessionUser, client ClientInfo) (string, Session, error) {
	if u.UserID == "" {
		return "", Session{}, fmt.Errorf("%w: session: user id is required", ErrConfig)
	}
	now := s.now()
	sess := Session{
		ID: newSessionID(), UserID: u.UserID, Role: u.Role, Name: u.Name, Email: u.Email,
		IssuedAt: now, ExpiresAt: now.Add(s.cfg.Lifetime), AuthTime: now,
	}
	tok, err := s.sign(sess)
	if err != nil {
		return "", Session{}, err
	}
	rec := SessionRecord{
		ID: sess.ID, UserID: sess.UserID, Created: now, LastSeen: now, Expires: recordExpiry(sess),
		ClientIP: truncate(client.IP, 64), UserAgent: truncate(client.UserAgent, 256),
	}
	if _, err := s.cfg.Store.PutSession(ctx, rec, now, s.cfg.MaxPerUser); err != nil {
		return "", Session{}, fmt.Errorf("auth: recording session: %w", err)
	}
	return tok, sess, nil
}

// recordExpiry is how long a session's record must live: as long as its
// newest token verifies (exp plus the clock-skew leeway).
func recordExpiry(sess Session) time.Time { return sess.ExpiresAt.Add(sessionLeeway) }

// truncate cuts s to at most n bytes on a UTF-8 boundary and drops
// control characters, so a header cannot forge lines where it is shown.
func truncate(s string, n int) string {
	out := make([]byte, 0, min(len(s), n))
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			continue
		}
		if len(out)+utf8.RuneLen(r) > n {
			break
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

func (s *Sessions) sign(sess Session) (string, error) {
	c := sessionClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: s.cfg.Issuer, Subject: sess.UserID, Audience: jwt.ClaimStrings{s.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(sess.ExpiresAt), IssuedAt: jwt.NewNumericDate(sess.IssuedAt), ID: sess.ID,
		},
		Role: sess.Role, Name: sess.Name, Email: sess.Email, AuthTime: sess.AuthTime.Unix(),
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = s.signKey.ID
	tok, err := t.SignedString(s.signKey.Secret)
	if err != nil {
		return "", fmt.Errorf("auth: signing session: %w", err)
	}
	return tok, nil
}

func (s *Sessions) keyFunc(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return nil, errUnknownKid
}

// Verify checks a session token: HS256 only, a known kid, signature,
// issuer, audience, expiry (required) and iat with 5 s of clock-skew
// leeway, the absolute MaxAge, and the session's record in the registry
// (missing: revoked). It updates the record's last-seen time at most once
// per TouchEvery. Rejections match ErrInvalidSession (revoked ones also
// ErrSessionRevoked); a failing Store returns an error matching ErrStore
// instead, which callers must answer as 503, not as signed out.
func (s *Sessions) Verify(ctx context.Context, token string) (Session, error) {
	var c sessionClaims
	if _, err := s.parser.ParseWithClaims(token, &c, s.keyFunc); err != nil {
		return Session{}, fmt.Errorf("%w: %w", ErrInvalidSession, jwtCause(err))
	}
	if c.ID == "" || c.Subject == "" || c.AuthTime <= 0 || c.IssuedAt == nil {
		return Session{}, fmt.Errorf("%w: %w", ErrInvalidSession, errMissingClaim)
	}
	sess := Session{
		ID: c.ID, UserID: c.Subject, Role: c.Role, Name: c.Name, Email: c.Email,
		IssuedAt: c.IssuedAt.UTC(), ExpiresAt: c.ExpiresAt.UTC(), AuthTime: time.Unix(c.AuthTime, 0).UTC(),
	}
	if err := s.recheck(ctx, sess, s.cfg.Now()); err != nil {
		return Session{}, err
	}
	return sess, nil
}

// Revalidate repeats, at the current time, every check of Verify that can
// change after a token was accepted: expiry and iat (with the same 5 s
// leeway), the absolute MaxAge, and the registry record (a Store lookup,
// so a revocation takes effect at once; last seen is updated as by
// Verify). It does not check the signature: pass only a Session that
// Verify returned for the same token, e.g. one a caller cached by token
// string to skip the JWT parse on repeated requests. Errors are as for
// Verify.
func (s *Sessions) Revalidate(ctx context.Context, sess Session) error {
	now := s.cfg.Now()
	switch {
	case !now.Before(sess.ExpiresAt.Add(sessionLeeway)):
		return fmt.Errorf("%w: %w", ErrInvalidSession, errExpired)
	case now.Before(sess.IssuedAt.Add(-sessionLeeway)):
		return fmt.Errorf("%w: %w", ErrInvalidSession, errNotYetValid)
	}
	return s.recheck(ctx, sess, now)
}

// recheck applies the MaxAge limit and requires the registry record,
// touching its last-seen time when TouchEvery has passed.
func (s *Sessions) recheck(ctx context.Context, sess Session, now time.Time) error {
	if !now.Before(sess.AuthTime.Add(s.cfg.MaxAge)) {
		return fmt.Errorf("%w: %w", ErrInvalidSession, errExpired)
	}
	rec, ok, err := s.cfg.Store.GetSession(ctx, sess.UserID, sess.ID, now)
	if err != nil {
		return fmt.Errorf("auth: checking session: %w", err)
	}
	if !ok {
		return ErrSessionRevoked
	}
	if now.Sub(rec.LastSeen) >= s.cfg.TouchEvery {
		ok, err := s.cfg.Store.TouchSession(ctx, sess.UserID, sess.ID, now, now.Truncate(time.Microsecond), time.Time{})
		if err != nil {
			return fmt.Errorf("auth: touching session: %w", err)
		}
		if !ok { // revoked between the lookup and the touch
			return ErrSessionRevoked
		}
	}
	return nil
}

// Refresh implements the sliding window: a session whose token is older than
// UpdateAge gets a new token (same session id, same claims) valid for
// Lifetime more, but never past AuthTime+MaxAge, and its registry record
// is extended to match. refreshed is false, and token empty, when no new
// token is due. sess must come from Verify. A revoked session fails with
// ErrSessionRevoked, a failing Store with an error matching ErrStore.
func (s *Sessions) Refresh(ctx context.Context, sess Session) (string, Session, bool, error) {
	return s.RefreshWith(ctx, sess, nil)
}

// RefreshDue reports whether Refresh would issue a new token for sess now:
// the moment for a caller to re-read the user (role, name, email, active)
// from the system of record and pass it to RefreshWith.
func (s *Sessions) RefreshDue(sess Session) bool {
	return s.now().Sub(sess.IssuedAt) >= s.cfg.UpdateAge
}

// RefreshWith is Refresh with the user's claims re-read: when updated is
// not nil and its role, name or email differ from sess's, a new token with
// the updated claims is issued even if none was due yet (same session id
// and expiry rules). updated.UserID must be sess.UserID (ErrConfig
// otherwise). A user who may no longer sign in (deactivated, deleted) is
// not refreshed: revoke their sessions with RevokeAll instead.
func (s *Sessions) RefreshWith(ctx context.Context, sess Session, updated *SessionUser) (string, Session, bool, error) {
	if updated != nil && updated.UserID != sess.UserID {
		return "", sess, false, fmt.Errorf("%w: session: refresh for another user", ErrConfig)
	}
	changed := updated != nil && (updated.Role != sess.Role || updated.Name != sess.Name || updated.Email != sess.Email)
	now := s.now()
	if now.Sub(sess.IssuedAt) < s.cfg.UpdateAge && !changed {
		return "", sess, false, nil
	}
	limit := sess.AuthTime.Add(s.cfg.MaxAge)
	if !now.Before(limit) {
		return "", sess, false, fmt.Errorf("%w: %w", ErrInvalidSession, errExpired)
	}
	next := sess
	if updated != nil {
		next.Role, next.Name, next.Email = updated.Role, updated.Name, updated.Email
	}
	next.IssuedAt, next.ExpiresAt = now, minTime(now.Add(s.cfg.Lifetime), limit)
	if !next.ExpiresAt.After(sess.ExpiresAt) && !changed {
		return "", sess, false, nil
	}
	if next.ExpiresAt.Before(sess.ExpiresAt) {
		next.ExpiresAt = sess.ExpiresAt // claims changed at the cap: keep the expiry
	}
	ok, err := s.cfg.Store.TouchSession(ctx, sess.UserID, sess.ID, s.cfg.Now(), now, recordExpiry(next))
	if err != nil {
		return "", sess, false, fmt.Errorf("auth: extending session: %w", err)
	}
	if !ok {
		return "", sess, false, ErrSessionRevoked
	}
	tok, err := s.sign(next)
	if err != nil {
		return "", sess, false, err
	}
	return tok, next, true, nil
}

// Revoke ends the session: its record is deleted, so every token carrying
// its id fails Verify with ErrSessionRevoked. Revoking a session that is
// gone already is not an error.
func (s *Sessions) Revoke(ctx context.Context, sess Session) error {
	if _, err := s.cfg.Store.DeleteSessions(ctx, sess.UserID, sess.ID); err != nil {
		return fmt.Errorf("auth: revoking session: %w", err)
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// jwtCause translates a jwt/v5 error into this package's causes, so no
// library text (which may quote token bytes) reaches callers.
func jwtCause(err error) error {
	switch {
	case errors.Is(err, errUnknownKid):
		return errUnknownKid
	case errors.Is(err, jwt.ErrTokenExpired):
		return errExpired
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued), errors.Is(err, jwt.ErrTokenNotValidYet):
		return errNotYetValid
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return errBadSignature
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return errWrongIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return errWrongAud
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return errMissingClaim
	default:
		return errMalformed
	}
}
