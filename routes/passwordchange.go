package routes

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
)

// changePasswordJSON is the body of POST /api/auth/change-password.
type changePasswordJSON struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// Validate checks the input bounds.
func (b *changePasswordJSON) Validate(errs FieldErrors) {
	checkPasswordInput(errs, "currentPassword", b.CurrentPassword)
	checkPasswordInput(errs, "newPassword", b.NewPassword)
}

var changePasswordBody = mustBodySpec[changePasswordJSON]()

// passwordChangedResponse answers a changed password: the new session, as
// login answers, and how many other sessions ended.
type passwordChangedResponse struct {
	sessionResponse
	SignedOutSessions int `json:"signedOutSessions"`
}

// changePassword implements POST /api/auth/change-password
// {currentPassword, newPassword} for a signed-in user (RequireSession: the
// session, the CSRF token and the origin policy), in this order: the
// body; the account, read again; the password policy on the new password
// (field-level 400 on newPassword, before any guess is counted);
// AccountFlows.PasswordGuard.Begin (per-IP and per-account limits, and the
// login lockout: a wrong current password counts as a failed login, so
// guessing through this route locks the account as login does); the
// current password checked in the bcrypt pool (400 invalid_credentials
// naming currentPassword when wrong; a lock set meanwhile is a wrong
// password too); the new hash stored; every session of the user ended and
// a new one started (new cookies, new CSRF token); a "password changed"
// notice mailed.
func (a *API) changePassword(c echo.Context) error {
	f := a.d.Flows
	if f.PasswordGuard == nil || a.d.Accounts == nil {
		return errNotEnabled("Changing the password")
	}
	sess := a.session(c)
	in, err := readBody[changePasswordJSON](c, changePasswordBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c)
	ip := c.RealIP()
	acct, err := a.reloadUser(ctx, *sess)
	if err != nil {
		return err
	}
	if acct == nil || acct.ID != sess.UserID || !acct.Active {
		return errUnauthenticated()
	}
	if err := f.Policy.Check(in.NewPassword, auth.PasswordUser{Email: acct.Email, Name: acct.Name}); err != nil {
		return weakPassword("newPassword", err)
	}
	attempt, err := f.PasswordGuard.Begin(ctx, acct.Email, ip)
	if err != nil {
		if errors.Is(err, auth.ErrRateLimited) || errors.Is(err, auth.ErrLocked) {
			a.flowLog(ctx, "password change refused", "limited", acct.Email, zap.String("user_id", acct.ID), zap.Error(err))
		}
		return err // 429 rate_limited / account_locked, or 503 state_unavailable
	}
	_, verr := a.d.Passwords.Verify(ctx, acct.PasswordHash, in.CurrentPassword)
	bad, locked, err := a.settleAttempt(ctx, attempt, verr)
	switch {
	case err != nil:
		return err
	case bad != nil:
		reason := "wrong_password"
		if locked {
			reason = "locked_during_check"
		}
		a.flowLog(ctx, "password change refused", reason, acct.Email, zap.String("user_id", acct.ID))
		return &Error{Status: http.StatusBadRequest, Code: CodeInvalidCredentials,
			Message: "The current password is incorrect.", Fields: map[string]string{"currentPassword": "is incorrect"}, Err: bad}
	}
	if in.NewPassword == in.CurrentPassword {
		return Invalid(map[string]string{"newPassword": "must differ from the current password"})
	}
	hash, err := a.d.Passwords.Hash(ctx, in.NewPassword)
	if err != nil {
		return err
	}
	if err := a.d.Accounts.SetPasswordHash(ctx, acct.ID, hash); err != nil {
		if errors.Is(err, accounts.ErrNotSupported) {
			return errNotEnabled("Changing the password")
		}
		return err
	}
	n, err := a.d.Sessions.RevokeAll(ctx, acct.ID)
	if err != nil {
		a.log.Error("password changed but the sessions could not be revoked", zap.String("request_id", RequestIDFrom(ctx)),
			zap.String("user_id", acct.ID), zap.Error(err))
		return err
	}
	resp, err := a.startSession(c, acct)
	if err != nil {
		return err
	}
	a.notifyPasswordChanged(ctx, acct)
	a.flowLog(ctx, "password changed", "changed", acct.Email, zap.String("user_id", acct.ID), zap.Int("revoked_sessions", n))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, passwordChangedResponse{sessionResponse: resp, SignedOutSessions: max(n-1, 0)})
}
