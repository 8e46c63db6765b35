package routes

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"
)

// sessionView is one session of the signed-in user, as
// GET /api/auth/sessions shows it. The id is the session's id: it is not a
// credential (the session token is the signed cookie).
type sessionView struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	ExpiresAt  time.Time `json:"expiresAt"`
	ClientIP   string    `json:"clientIp"`
	UserAgent  string    `json:"userAgent"`
	Current    bool      `json:"current"`
}

// listSessions implements GET /api/auth/sessions: the caller's live
// sessions, most recently seen first, the current one flagged.
func (a *API) listSessions(c echo.Context) error {
	sess := a.session(c)
	recs, err := a.d.Sessions.List(c.Request().Context(), sess.UserID)
	if err != nil {
		return err
	}
	out := make([]sessionView, 0, len(recs))
	for _, r := range recs {
		out = append(out, sessionView{ID: r.ID, CreatedAt: r.Created.UTC(), LastSeenAt: r.LastSeen.UTC(),
			ExpiresAt: r.Expires.UTC(), ClientIP: r.ClientIP, UserAgent: r.UserAgent, Current: r.ID == sess.ID})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"sessions": out})
}

// revokeSession implements DELETE /api/auth/sessions/:id: ends one of the
// caller's sessions (404 for an id that is not one of theirs). Ending the
// current one signs the caller out (the cookies are cleared).
func (a *API) revokeSession(c echo.Context) error {
	sess := a.session(c)
	id := c.Param("id")
	if !ValidDocumentID(id) {
		return Invalid(map[string]string{"id": "must be a session id"})
	}
	found, err := a.d.Sessions.RevokeID(c.Request().Context(), sess.UserID, id)
	if err != nil {
		return err
	}
	if !found {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "No such session."}
	}
	if id == sess.ID {
		c.SetCookie(a.d.Sessions.ClearCookie())
		c.SetCookie(a.d.Sessions.ClearCSRFCookie())
	}
	a.log.Info("session revoked", zap.String("request_id", RequestIDFrom(c.Request().Context())),
		zap.String("user_id", sess.UserID))
	return c.NoContent(http.StatusNoContent)
}

// revokeOtherSessions implements POST /api/auth/sessions/revoke-others:
// "sign out everywhere else". It answers {"revoked": n}.
func (a *API) revokeOtherSessions(c echo.Context) error {
	sess := a.session(c)
	n, err := a.d.Sessions.RevokeOthers(c.Request().Context(), *sess)
	if err != nil {
		return err
	}
	a.log.Info("other sessions revoked", zap.String("request_id", RequestIDFrom(c.Request().Context())),
		zap.String("user_id", sess.UserID), zap.Int("count", n))
	return c.JSON(http.StatusOK, map[string]int{"revoked": n})
}
