package auth

import (
	"context"
	"fmt"
	"sort"
)

// List returns the live sessions of userID, most recently seen first (ties:
// newest first), for a "your sessions" page. The caller marks the current
// one by comparing ids with its Session.ID. Errors match ErrStore.
func (s *Sessions) List(ctx context.Context, userID string) ([]SessionRecord, error) {
	recs, err := s.cfg.Store.ListSessions(ctx, userID, s.cfg.Now())
	if err != nil {
		return nil, fmt.Errorf("auth: listing sessions: %w", err)
	}
	sort.Slice(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		if !a.LastSeen.Equal(b.LastSeen) {
			return a.LastSeen.After(b.LastSeen)
		}
		if !a.Created.Equal(b.Created) {
			return a.Created.After(b.Created)
		}
		return a.ID < b.ID
	})
	return recs, nil
}

// RevokeID ends session sessionID of userID (DELETE /api/auth/sessions/:id:
// pass the caller's own user id, so nobody can end another user's
// session). found is false when no such session was live. Errors match
// ErrStore.
func (s *Sessions) RevokeID(ctx context.Context, userID, sessionID string) (found bool, err error) {
	n, err := s.cfg.Store.DeleteSessions(ctx, userID, sessionID)
	if err != nil {
		return false, fmt.Errorf("auth: revoking session: %w", err)
	}
	return n > 0, nil
}

// RevokeOthers ends every session of sess's user except sess itself ("sign
// out everywhere else", and after a password change) and returns how many
// it ended. Errors match ErrStore.
func (s *Sessions) RevokeOthers(ctx context.Context, sess Session) (int, error) {
	n, err := s.cfg.Store.DeleteUserSessions(ctx, sess.UserID, sess.ID)
	if err != nil {
		return 0, fmt.Errorf("auth: revoking other sessions: %w", err)
	}
	return n, nil
}

// RevokeAll ends every session of userID (password reset, deactivation)
// and returns how many it ended. It is one atomic store operation: a
// session started concurrently either is ended or started after it.
// Errors match ErrStore.
func (s *Sessions) RevokeAll(ctx context.Context, userID string) (int, error) {
	n, err := s.cfg.Store.DeleteUserSessions(ctx, userID, "")
	if err != nil {
		return 0, fmt.Errorf("auth: revoking sessions: %w", err)
	}
	return n, nil
}

// CheckID reports whether session sessionID of userID is live: nil if so,
// ErrSessionRevoked (matching ErrInvalidSession) if it was revoked or has
// expired, an error matching ErrStore if the store fails. The passthrough
// uses it for the "sid" claim of Convex tokens (TokenClaims.SessionID), so
// tokens of a revoked session are refused. It does not touch last seen.
func (s *Sessions) CheckID(ctx context.Context, userID, sessionID string) error {
	if userID == "" || sessionID == "" {
		return fmt.Errorf("%w: %w", ErrInvalidSession, errMissingClaim)
	}
	_, ok, err := s.cfg.Store.GetSession(ctx, userID, sessionID, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("auth: checking session: %w", err)
	}
	if !ok {
		return ErrSessionRevoked
	}
	return nil
}
