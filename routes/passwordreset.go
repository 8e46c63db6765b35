package routes

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
)

// forgotMessage is the one answer of a forgotten password.
const forgotMessage = "If an account uses this address, we sent it a link to choose a new password."

// forgotPassword implements POST /api/auth/forgot-password {email}: the
// origin policy, the per-IP then per-email limits, then
// TaskForgotPassword after the answer. The answer is always the same 202,
// and the request does the same work whatever the email (no lookup, no
// token, no rendering: two limiter steps and one enqueue), so neither the
// body nor the timing tells whether the email has an account.
func (a *API) forgotPassword(c echo.Context) error {
	return a.mailingFlow(c, "Password reset", PolicyForgotPasswordIP, PolicyForgotPasswordEmail, TaskForgotPassword, forgotMessage)
}

// setPasswordJSON is the body of reset-password and accept-invitation.
type setPasswordJSON struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Validate checks the input bounds.
func (b *setPasswordJSON) Validate(errs FieldErrors) {
	checkToken(errs, b.Token)
	checkPasswordInput(errs, "password", b.Password)
}

var setPasswordBody = mustBodySpec[setPasswordJSON]()

// passwordSetResponse answers a password set through a link.
type passwordSetResponse struct {
	// Email is the account's, for the sign-in page that follows.
	Email string `json:"email"`
	// RevokedSessions is how many sessions of the account ended.
	RevokedSessions int `json:"revokedSessions"`
}

// resetPassword implements POST /api/auth/reset-password {token, password}
// (see setPasswordWithToken): every session of the user ends (unless
// AccountFlows.KeepSessionsOnReset) and a "password changed" notice is
// mailed.
func (a *API) resetPassword(c echo.Context) error {
	return a.setPasswordWithToken(c, auth.PurposeResetPassword)
}

// acceptInvitation implements POST /api/auth/accept-invitation {token,
// password}: an invitation's token sets the invitee's first password and
// confirms the address (see setPasswordWithToken).
func (a *API) acceptInvitation(c echo.Context) error {
	return a.setPasswordWithToken(c, auth.PurposeInvitation)
}

// setPasswordWithToken sets a password through an emailed link, in this
// order: the origin policy; the body; the per-IP limit; the password
// policy's general rules (a common password is refused before the link is
// used up); the token consumed (single use: 400 invalid_token for an
// unknown, used or expired one); the account it was issued for, still with
// the address it was mailed to and active; the policy with the account's
// email and name; the hash; the address marked verified (the link proves
// it); the hash stored; the sessions revoked. A failure after the token
// was consumed puts it back (auth.AccountTokens.Restore), so the user
// retries with the same link. It does not sign the user in: the answer
// names the email for the sign-in page.
func (a *API) setPasswordWithToken(c echo.Context, purpose auth.TokenPurpose) error {
	f := a.d.Flows
	flow := "password reset"
	if purpose == auth.PurposeInvitation {
		flow = "invitation"
		if a.lifecycle() == nil {
			return errNotEnabled("Invitations")
		}
	}
	if f.Tokens == nil || a.d.Accounts == nil {
		return errNotEnabled("Password reset")
	}
	if err := a.checkOrigin(c); err != nil {
		return err
	}
	in, err := readBody[setPasswordJSON](c, setPasswordBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c)
	if err := a.limit(ctx, PolicyResetPasswordIP, auth.ClientKey(c.RealIP())); err != nil {
		return err
	}
	if err := f.Policy.Check(in.Password, auth.PasswordUser{}); err != nil {
		return weakPassword("password", err)
	}
	g, err := f.Tokens.Consume(ctx, purpose, in.Token)
	if errors.Is(err, auth.ErrAccountToken) {
		a.log.Info(flow+" refused", zap.String("request_id", RequestIDFrom(ctx)), zap.String("reason", "invalid_token"))
		return errInvalidToken(err)
	} else if err != nil {
		return err
	}
	acct, err := a.d.Accounts.FindByEmail(ctx, g.Data)
	if err != nil {
		a.restoreToken(ctx, in.Token, g)
		return err
	}
	if reason := tokenAccountMismatch(acct, g); reason != "" {
		a.flowLog(ctx, flow+" refused", reason, g.Data, zap.String("user_id", g.UserID))
		return errInvalidToken(errors.New(reason))
	}
	revoked, err := a.setPassword(ctx, acct, in.Password, purpose == auth.PurposeInvitation || !acct.EmailVerified)
	if err != nil {
		a.restoreToken(ctx, in.Token, g)
		return err
	}
	if f.Lockout != nil {
		if err := f.Lockout.Unlock(ctx, acct.Email, c.RealIP()); err != nil {
			a.log.Warn("lifting the lockout after a password reset", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
		}
	}
	acct.EmailVerified = true
	if purpose == auth.PurposeResetPassword {
		a.notifyPasswordChanged(ctx, acct)
	}
	a.flowLog(ctx, flow, "password_set", acct.Email, zap.String("user_id", acct.ID), zap.Int("revoked_sessions", revoked))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, passwordSetResponse{Email: acct.Email, RevokedSessions: revoked})
}

// setPassword checks password against the policy with acct's details,
// hashes it, marks the address verified when markVerified, stores the hash
// and, unless AccountFlows.KeepSessionsOnReset, ends every session of
// acct, returning how many. The sessions end after the hash is stored, so
// no sign-in with the old password can slip in between and survive.
func (a *API) setPassword(ctx context.Context, acct *accounts.Account, password string, markVerified bool) (int, error) {
	f := a.d.Flows
	if err := f.Policy.Check(password, auth.PasswordUser{Email: acct.Email, Name: acct.Name}); err != nil {
		return 0, weakPassword("password", err)
	}
	hash, err := a.d.Passwords.Hash(ctx, password)
	if err != nil {
		return 0, err
	}
	if markVerified {
		if lc := a.lifecycle(); lc != nil {
			if err := lc.MarkEmailVerified(ctx, acct.ID); err != nil && !errors.Is(err, accounts.ErrNotSupported) {
				return 0, err
			}
		}
	}
	if err := a.d.Accounts.SetPasswordHash(ctx, acct.ID, hash); err != nil {
		if errors.Is(err, accounts.ErrNotSupported) {
			return 0, errNotEnabled("Setting a password")
		}
		return 0, err
	}
	if f.KeepSessionsOnReset {
		return 0, nil
	}
	n, err := a.d.Sessions.RevokeAll(ctx, acct.ID)
	if err != nil {
		// The new password is stored: the retry (the token is put back)
		// stores another hash of it and revokes again.
		a.log.Error("password set but the sessions could not be revoked", zap.String("request_id", RequestIDFrom(ctx)),
			zap.String("user_id", acct.ID), zap.Error(err))
		return 0, err
	}
	return n, nil
}
