package routes

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
)

// maxTokenBytes bounds a link token in a body (real ones are 66 bytes).
const maxTokenBytes = 256

// tokenJSON is the body of POST /api/auth/verify-email.
type tokenJSON struct {
	Token string `json:"token"`
}

// Validate checks the token's presence and size (its form is checked by
// auth.AccountTokens, with the one invalid_token answer).
func (b *tokenJSON) Validate(errs FieldErrors) { checkToken(errs, b.Token) }

func checkToken(errs FieldErrors, tok string) {
	switch {
	case tok == "":
		errs.Add("token", "is required")
	case len(tok) > maxTokenBytes:
		errs.Add("token", "is not a link token")
	}
}

// emailJSON is the body of the flows that take an email only (resend,
// forgot password).
type emailJSON struct {
	Email string `json:"email"`
}

// Validate normalises the email and checks it.
func (b *emailJSON) Validate(errs FieldErrors) {
	b.Email = normEmail(b.Email)
	checkMailEmail(errs, "email", b.Email)
}

var (
	tokenBody = mustBodySpec[tokenJSON]()
	emailBody = mustBodySpec[emailJSON]()
)

// verifiedResponse answers a confirmed address.
type verifiedResponse struct {
	Verified bool   `json:"verified"`
	Email    string `json:"email"`
}

// verifyEmail implements POST /api/auth/verify-email {token}: the origin
// policy, the per-IP limit, the token consumed (single use), the account
// it was issued for, still with the address it was issued to (a link
// mailed to an address the account no longer has is refused), marked
// verified. An unknown, used, expired or mismatched token answers 400
// invalid_token; a failure after the token was consumed puts it back, so
// the same link works again.
func (a *API) verifyEmail(c echo.Context) error {
	f := a.d.Flows
	lc := a.lifecycle()
	if f.Tokens == nil || lc == nil {
		return errNotEnabled("Email verification")
	}
	if err := a.checkOrigin(c); err != nil {
		return err
	}
	in, err := readBody[tokenJSON](c, tokenBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c)
	if err := a.limit(ctx, PolicyVerifyEmailIP, auth.ClientKey(c.RealIP())); err != nil {
		return err
	}
	g, err := f.Tokens.Consume(ctx, auth.PurposeVerifyEmail, in.Token)
	if errors.Is(err, auth.ErrAccountToken) {
		a.log.Info("email verification refused", zap.String("request_id", RequestIDFrom(ctx)), zap.String("reason", "invalid_token"))
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
		a.flowLog(ctx, "email verification refused", reason, g.Data, zap.String("user_id", g.UserID))
		return errInvalidToken(errors.New(reason))
	}
	if !acct.EmailVerified {
		if err := lc.MarkEmailVerified(ctx, acct.ID); err != nil {
			a.restoreToken(ctx, in.Token, g)
			if errors.Is(err, accounts.ErrNotSupported) {
				return errNotEnabled("Email verification")
			}
			return err
		}
	}
	a.flowLog(ctx, "email verified", "verified", acct.Email, zap.String("user_id", acct.ID))
	return c.JSON(http.StatusOK, verifiedResponse{Verified: true, Email: acct.Email})
}

// tokenAccountMismatch says why a token's grant no longer fits acct (the
// account found by the grant's email), or "" when it does: the account is
// gone, the address now belongs to another account, or the account was
// deactivated.
func tokenAccountMismatch(acct *accounts.Account, g auth.TokenGrant) string {
	switch {
	case acct == nil:
		return "account_gone"
	case acct.ID != g.UserID:
		return "email_moved"
	case !acct.Active:
		return "inactive"
	}
	return ""
}

// verifyResendMessage is the one answer of a resend.
const verifyResendMessage = "If this address has an account waiting for confirmation, we sent it a new link."

// resendVerification implements POST /api/auth/verify-email/resend
// {email}: the origin policy, the per-IP then per-email limits, then
// TaskResendVerification after the answer, which is always the same 202
// (whether the address has an account, and whether it is verified, shows
// only in the inbox).
func (a *API) resendVerification(c echo.Context) error {
	return a.mailingFlow(c, "Email verification", PolicyVerifyResendIP, PolicyVerifyResendEmail, TaskResendVerification, verifyResendMessage)
}

// mailingFlow is the request half of a flow that mails an address what
// its account calls for (resend, forgot password): the feature (named for
// the answer) must have its tokens, accounts and mailer; then the origin
// policy, the body {email}, the per-IP then per-email limits, the task
// queued, the one 202.
func (a *API) mailingFlow(c echo.Context, feature, ipPolicy, emailPolicy, task, message string) error {
	if a.d.Flows.Tokens == nil || a.d.Accounts == nil {
		return errNotEnabled(feature)
	}
	if a.d.Flows.Mailer == nil {
		return errMailNotConfigured(feature)
	}
	if err := a.checkOrigin(c); err != nil {
		return err
	}
	in, err := readBody[emailJSON](c, emailBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c)
	if err := a.limit(ctx, ipPolicy, auth.ClientKey(c.RealIP())); err != nil {
		return err
	}
	if err := a.limit(ctx, emailPolicy, subjectKey("email", in.Email)); err != nil {
		return err
	}
	if err := a.runLater(ctx, task, EmailTaskArgs{Email: in.Email}); err != nil {
		return err
	}
	return accepted(c, message)
}
