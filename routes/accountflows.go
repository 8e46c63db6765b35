package routes

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/mail"
)

// AccountFlows configures the account flows: sign-up, invitations, email
// verification, password reset and change (issue 13). Each flow needs the
// pieces its field documents name; a flow whose pieces are missing answers
// 404 not_enabled (switched off) or 503 mail_not_configured (it must send
// an email and cannot). The zero value switches every flow off. The flows
// also use Deps.Accounts (the accounts contract: accounts.Lifecycle for
// creating users and marking addresses verified), Deps.Passwords,
// Deps.Sessions, Deps.Limiter (the Policy* names below), Deps.Origins and
// Deps.Secondary.
type AccountFlows struct {
	// Tokens issues and consumes the emailed links' single-use tokens, in
	// the state store (every replica consumes what any issued). Nil:
	// sign-up with verification, invitations, email verification and
	// password reset are off.
	Tokens *auth.AccountTokens
	// Mailer sends the flows' emails (mail.Outbox: rendered at once,
	// delivered by the secondary runner). Nil: the flows that must send an
	// email answer 503 mail_not_configured; the "password changed" notice
	// is skipped.
	Mailer mail.Mailer
	// Links builds the emails' URLs (required with Mailer).
	Links mail.Links
	// Policy checks every new password (the zero value: the defaults).
	Policy auth.PasswordPolicy
	// SignUp switches POST /api/auth/sign-up on (off: 404 not_enabled).
	SignUp bool
	// RequireEmailVerification: sign-up answers the same 202 whether or
	// not the email has an account and mails either a verification link
	// or an "account exists" notice; login refuses an unverified account
	// with 403 email_unverified, and only once its password was verified
	// (so the answer tells nothing to someone without the password).
	// False: sign-up signs the new user in at once (201; 409 email_taken
	// for a known email, which then tells that the email has an account)
	// and unverified accounts sign in.
	RequireEmailVerification bool
	// KeepSessionsOnReset leaves a user's sessions alone when the password
	// is reset through an emailed link; by default every session ends.
	KeepSessionsOnReset bool
	// PasswordGuard admits the current-password check of change-password
	// (an auth.LoginGuard over PolicyChangePasswordIP and
	// PolicyChangePasswordAccount and the login's Lockout, so guesses
	// through either route count toward one lock). Nil: change-password
	// answers 404 not_enabled.
	PasswordGuard LoginGuard
	// Lockout, when set, is lifted for an account whose password was just
	// set through an emailed link (the link proves the owner, who may
	// have been locked out by someone else's guesses); auth.Lockout.
	Lockout Unlocker
}

// Unlocker lifts an account's login lockout (auth.Lockout).
type Unlocker interface {
	Unlock(ctx context.Context, account, ip string) error
}

// Rate-limit policies of the account flows (the Limiter must know each
// one a switched-on flow uses). Keys are auth.ClientKey of the client IP,
// or a hash of the normalised email ("email:<hash>") or user id ("user:").
const (
	PolicySignUpIP              = "signup_ip"
	PolicySignUpEmail           = "signup_email"
	PolicyForgotPasswordIP      = "forgot_password_ip"
	PolicyForgotPasswordEmail   = "forgot_password_email"
	PolicyResetPasswordIP       = "reset_password_ip" // reset-password and accept-invitation
	PolicyVerifyEmailIP         = "verify_email_ip"
	PolicyVerifyResendIP        = "verify_resend_ip"
	PolicyVerifyResendEmail     = "verify_resend_email"
	PolicyChangePasswordIP      = "change_password_ip"
	PolicyChangePasswordAccount = "change_password_account"
	PolicyInvitationUser        = "invitation_user"  // per inviting user
	PolicyInvitationEmail       = "invitation_email" // per invited address
)

// perHour and per15m make "n per period, in one burst of n" policies.
func perHour(n int) auth.Policy { return auth.Policy{Rate: float64(n) / 3600, Burst: n} }
func per15m(n int) auth.Policy  { return auth.Policy{Rate: float64(n) / 900, Burst: n} }

// DefaultFlowPolicies returns the account flows' default limits: what
// mails someone allows 3 an hour per address and 10 an hour per client
// IP; what checks a token 10 per 15 minutes per IP (a token is 384 random
// bits: the limit is against load, not guessing); change-password 10 per
// 15 minutes per IP and per account (above the lockout's 5 failures, so
// guessing ends in the lock); invitations 50 an hour per inviting user and
// 3 per invited address.
func DefaultFlowPolicies() map[string]auth.Policy {
	return map[string]auth.Policy{
		PolicySignUpIP: perHour(10), PolicySignUpEmail: perHour(3),
		PolicyForgotPasswordIP: perHour(10), PolicyForgotPasswordEmail: perHour(3),
		PolicyResetPasswordIP: per15m(10), PolicyVerifyEmailIP: per15m(10),
		PolicyVerifyResendIP: perHour(10), PolicyVerifyResendEmail: perHour(3),
		PolicyChangePasswordIP: per15m(10), PolicyChangePasswordAccount: per15m(10),
		PolicyInvitationUser: perHour(50), PolicyInvitationEmail: perHour(3),
	}
}

// acceptedResponse is the 202 of the flows that must not tell whether an
// email has an account: the same body whatever the account.
type acceptedResponse struct {
	Status  string `json:"status"` // always "check_email"
	Message string `json:"message"`
}

func accepted(c echo.Context, message string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusAccepted, acceptedResponse{Status: "check_email", Message: message})
}

func errNotEnabled(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotEnabled, Message: what + " is not enabled on this server."}
}

func errMailNotConfigured(what string) *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeMailNotConfigured,
		Message: what + " is unavailable: this server cannot send email."}
}

// errInvalidToken is the one answer for a link's token that is unknown,
// used, expired, for another purpose, or whose account changed since.
func errInvalidToken(cause error) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidToken,
		Message: "This link is invalid or has expired; ask for a new one.", Err: cause}
}

// weakPassword turns a password policy refusal into a field-level 400.
func weakPassword(field string, err error) error {
	var wp *auth.WeakPasswordError
	if errors.As(err, &wp) {
		return Invalid(map[string]string{field: wp.Reason})
	}
	return err
}

// contractContext is the context of the accounts contract's calls for
// request c: its request id, and no caller identity, so the internal
// functions run with the deploy key alone even for a signed-in caller
// (callContext would act as them).
func contractContext(c echo.Context) context.Context {
	ctx := c.Request().Context()
	return convexclient.WithRequestID(ctx, RequestIDFrom(ctx))
}

// lifecycle returns the accounts contract's account-flow half, or nil.
func (a *API) lifecycle() accounts.Lifecycle {
	lc, _ := a.d.Accounts.(accounts.Lifecycle)
	return lc
}

// checkOrigin applies the origin / Fetch-Metadata policy of unsafe
// unauthenticated routes (as login does): a cross-site page cannot drive
// the flows with the user's browser.
func (a *API) checkOrigin(c echo.Context) error {
	r := c.Request()
	if err := a.d.Origins.Check(r.Method, r.Header.Get(echo.HeaderOrigin), r.Referer(), r.Header.Get("Sec-Fetch-Site")); err != nil {
		return &Error{Status: http.StatusForbidden, Code: CodeCSRFFailed,
			Message: "This request is only accepted from the app's own pages.", Err: err}
	}
	return nil
}

// limit counts one request under policy for key: a *auth.RateLimitError
// (429 rate_limited with Retry-After) over the limit, a store error (503
// state_unavailable: the flows fail closed) when the limiter cannot
// answer. Without a Limiter nothing is limited.
func (a *API) limit(ctx context.Context, policy, key string) error {
	if a.d.Limiter == nil {
		return nil
	}
	d, err := a.d.Limiter.Allow(ctx, policy, key)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", policy, err)
	}
	if !d.Allowed {
		return &auth.RateLimitError{Policy: policy, RetryAfter: d.RetryAfter}
	}
	return nil
}

// subjectKey is the rate-limit key of an email or user id: a hash, so the
// store never holds the address.
func subjectKey(kind, v string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + v))
	return kind + ":" + base64.RawURLEncoding.EncodeToString(sum[:18])
}

// maxNameRunes bounds a display name (the demo's functions allow 200).
const maxNameRunes = 200

// normEmail trims and lower-cases an email, as login does.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkMailEmail records under field why email (normalised) cannot be an
// account's address that the flows mail: empty, longer than 254 bytes, or
// not a bare address net/mail accepts.
func checkMailEmail(errs FieldErrors, field, email string) {
	switch at := strings.IndexByte(email, '@'); {
	case email == "":
		errs.Add(field, "is required")
	case len(email) > 254 || at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n"):
		errs.Add(field, "must be an email address")
	default:
		if p, err := netmail.ParseAddress(email); err != nil || p.Address != email || p.Name != "" {
			errs.Add(field, "must be an email address")
		}
	}
}

// checkName records under field why a display name is not acceptable;
// it returns the name trimmed.
func checkName(errs FieldErrors, field, name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		errs.Add(field, "is required")
	case len([]rune(name)) > maxNameRunes:
		errs.Add(field, fmt.Sprintf("must be at most %d characters", maxNameRunes))
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		errs.Add(field, "must not contain control characters")
	}
	return name
}

// checkPasswordInput records a missing or oversized password (input
// bounds, before the policy).
func checkPasswordInput(errs FieldErrors, field, pw string) {
	switch {
	case pw == "":
		errs.Add(field, "is required")
	case len(pw) > maxPasswordBytes:
		errs.Add(field, fmt.Sprintf("must be at most %d bytes", maxPasswordBytes))
	}
}

// mailName is the name to greet an account with in an email: the stored
// name when the address is proven (verified), else none, so a name someone
// typed while signing up with another person's address never reaches that
// person's inbox.
func mailName(acct *accounts.Account) string {
	if acct == nil || !acct.EmailVerified {
		return ""
	}
	return acct.Name
}

// flowLog logs a flow's outcome at info level with the masked email.
func (a *API) flowLog(ctx context.Context, flow, outcome, email string, fields ...zap.Field) {
	a.log.Info(flow, append([]zap.Field{zap.String("request_id", RequestIDFrom(ctx)), zap.String("outcome", outcome),
		zap.String("email", auth.MaskEmail(email))}, fields...)...)
}

// sendMail hands m to the Mailer. A Mailer that cannot take it (dropped,
// invalid) is an error the caller decides about.
func (a *API) sendMail(ctx context.Context, m mail.Message) error {
	if a.d.Flows.Mailer == nil {
		return errMailNotConfigured("Email")
	}
	if err := a.d.Flows.Mailer.Send(ctx, m); err != nil {
		err = fmt.Errorf("send %s email: %w", m.Template, err)
		if errors.Is(err, mail.ErrDropped) {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeBusy,
				Message: "The server is busy; try again shortly.", RetryAfter: 2 * time.Second, Err: err}
		}
		return err
	}
	return nil
}

// notifyPasswordChanged mails the "password changed" notice, when the
// gateway can send email; a failure is logged, never the request's.
func (a *API) notifyPasswordChanged(ctx context.Context, acct *accounts.Account) {
	if a.d.Flows.Mailer == nil {
		return
	}
	err := a.sendMail(ctx, mail.Message{To: acct.Email, Template: mail.PasswordChanged,
		Data: mail.Data{Name: mailName(acct), Link: a.d.Flows.Links.ForgotPassword()}})
	if err != nil {
		a.log.Warn("password-changed notice not sent", zap.String("request_id", RequestIDFrom(ctx)),
			zap.String("user_id", acct.ID), zap.Error(err))
	}
}

// restoreToken puts back a consumed token the flow could not use (see
// auth.AccountTokens.Restore), so the user can try the same link again.
func (a *API) restoreToken(ctx context.Context, token string, g auth.TokenGrant) {
	if err := a.d.Flows.Tokens.Restore(context.WithoutCancel(ctx), token, g); err != nil {
		a.log.Warn("restoring a link's token", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
	}
}
