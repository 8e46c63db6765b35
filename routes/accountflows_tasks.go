package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/mail"
)

// Secondary task kinds of the account flows that must not tell whether an
// email has an account: the route answers once the task is queued, and the
// task looks the account up and mails. So the answer takes the same time,
// and says the same, whatever the account (see API.Tasks).
const (
	// TaskSignUp creates the account of a sign-up (SignUpArgs) and mails
	// a verification link, or an "account exists" notice to a known email.
	TaskSignUp = "accounts.sign_up"
	// TaskForgotPassword mails a reset link to the account with the email
	// (EmailTaskArgs), if there is an active one.
	TaskForgotPassword = "accounts.forgot_password"
	// TaskResendVerification mails a new verification link to the account
	// with the email (EmailTaskArgs), if it is active and not verified.
	TaskResendVerification = "accounts.resend_verification"
)

// SignUpArgs are the arguments of TaskSignUp. The password is hashed
// before the task is queued: tasks may be written to Redis, the password
// never is.
type SignUpArgs struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	PasswordHash string `json:"passwordHash"`
}

// EmailTaskArgs are the arguments of TaskForgotPassword and
// TaskResendVerification: the normalised email.
type EmailTaskArgs struct {
	Email string `json:"email"`
}

// flowTasks are the account flows' task functions (part of API.Tasks).
func (a *API) flowTasks() map[string]func(context.Context, json.RawMessage) error {
	return map[string]func(context.Context, json.RawMessage) error{
		TaskSignUp:             taskOf(a.signUpTask),
		TaskForgotPassword:     taskOf(a.forgotPasswordTask),
		TaskResendVerification: taskOf(a.resendVerificationTask),
	}
}

// taskOf decodes a task's JSON arguments for fn; arguments that do not
// decode are a permanent failure.
func taskOf[T any](fn func(context.Context, T) error) func(context.Context, json.RawMessage) error {
	return func(ctx context.Context, raw json.RawMessage) error {
		var args T
		if err := json.Unmarshal(raw, &args); err != nil {
			return fmt.Errorf("task arguments: %w", err)
		}
		return fn(ctx, args)
	}
}

// runLater hands a flow's work to the secondary runner. Without a runner
// (tests, tools) it runs the work now, before the answer, and logs its
// failure: the answer is the same either way, but its timing then depends
// on the account.
func (a *API) runLater(ctx context.Context, kind string, args any) error {
	if a.d.Secondary != nil {
		if !a.d.Secondary.Enqueue(ctx, kind, args) {
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeBusy,
				Message: "The server is busy; try again shortly.", RetryAfter: 2 * time.Second}
		}
		return nil
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	if err := a.flowTasks()[kind](context.WithoutCancel(ctx), raw); err != nil {
		a.log.Warn("account flow task failed", zap.String("request_id", RequestIDFrom(ctx)),
			zap.String("task", kind), zap.Error(err))
	}
	return nil
}

// retryableError marks an error the runner retries (SecondaryConfig's
// default Retryable asks Temporary): the state store or the mail queue
// could not take the work just now. Convex's own transient errors are
// recognised by the runner already.
type retryableError struct{ err error }

func (e retryableError) Error() string   { return e.err.Error() }
func (e retryableError) Unwrap() error   { return e.err }
func (e retryableError) Temporary() bool { return true }

func retryIfTransient(err error) error {
	if errors.Is(err, auth.ErrStore) || errors.Is(err, mail.ErrDropped) {
		return retryableError{err}
	}
	return err
}

// signUpTask creates the account and mails a verification link; for an
// email that has an account it mails that account an "account exists"
// notice instead (greeting it by its stored name only when its address is
// proven, see mailName). A retry after an attempt whose outcome was lost
// finds the account it created by its password hash (bcrypt salts it, so
// no other account has it) and mails the link.
func (a *API) signUpTask(ctx context.Context, args SignUpArgs) error {
	lc := a.lifecycle()
	if lc == nil || a.d.Flows.Tokens == nil {
		return nil // switched off since the task was queued
	}
	id, err := lc.CreateUser(ctx, accounts.NewUser{Email: args.Email, Name: args.Name, PasswordHash: args.PasswordHash})
	switch {
	case errors.Is(err, accounts.ErrEmailTaken):
		acct, err := a.d.Accounts.FindByEmail(ctx, args.Email)
		switch {
		case err != nil:
			return err
		case acct == nil: // removed since: try again
			return retryableError{errors.New("sign-up: the email is taken but no account has it")}
		case acct.PasswordHash == args.PasswordHash:
			if acct.EmailVerified {
				return nil
			}
			return a.mailVerification(ctx, acct.ID, acct.Email)
		}
		a.flowLog(ctx, "sign-up", "account_exists", args.Email)
		return retryIfTransient(a.sendMail(ctx, mail.Message{To: acct.Email, Template: mail.AccountExists,
			Data: mail.Data{Name: mailName(acct), Link: a.d.Flows.Links.ForgotPassword()}}))
	case errors.Is(err, accounts.ErrNotSupported):
		return nil
	case err != nil:
		return err
	}
	a.flowLog(ctx, "sign-up", "created", args.Email, zap.String("user_id", id))
	return a.mailVerification(ctx, id, args.Email)
}

// mailVerification issues a verification token for the account and mails
// the link (no name: the address is not proven yet).
func (a *API) mailVerification(ctx context.Context, userID, email string) error {
	tok, exp, err := a.d.Flows.Tokens.Issue(ctx, auth.PurposeVerifyEmail, userID, email)
	if err != nil {
		return retryIfTransient(err)
	}
	return retryIfTransient(a.sendMail(ctx, mail.Message{To: email, Template: mail.VerifyEmail,
		Data: mail.Data{Link: a.d.Flows.Links.VerifyEmail(tok.Reveal()), ExpiresAt: exp}}))
}

// forgotPasswordTask mails a reset link to the active account with the
// email; an unknown or inactive account gets nothing (logged).
func (a *API) forgotPasswordTask(ctx context.Context, args EmailTaskArgs) error {
	if a.d.Accounts == nil || a.d.Flows.Tokens == nil {
		return nil
	}
	acct, err := a.d.Accounts.FindByEmail(ctx, args.Email)
	switch {
	case err != nil:
		return err
	case acct == nil:
		a.flowLog(ctx, "forgot password", "unknown_account", args.Email)
		return nil
	case !acct.Active:
		a.flowLog(ctx, "forgot password", "inactive", args.Email)
		return nil
	}
	tok, exp, err := a.d.Flows.Tokens.Issue(ctx, auth.PurposeResetPassword, acct.ID, acct.Email)
	if err != nil {
		return retryIfTransient(err)
	}
	a.flowLog(ctx, "forgot password", "link_sent", args.Email, zap.String("user_id", acct.ID))
	return retryIfTransient(a.sendMail(ctx, mail.Message{To: acct.Email, Template: mail.ResetPassword,
		Data: mail.Data{Name: mailName(acct), Link: a.d.Flows.Links.ResetPassword(tok.Reveal()), ExpiresAt: exp}}))
}

// resendVerificationTask mails a new verification link to the active,
// unverified account with the email; any other gets nothing (logged).
func (a *API) resendVerificationTask(ctx context.Context, args EmailTaskArgs) error {
	if a.d.Accounts == nil || a.d.Flows.Tokens == nil {
		return nil
	}
	acct, err := a.d.Accounts.FindByEmail(ctx, args.Email)
	switch {
	case err != nil:
		return err
	case acct == nil:
		a.flowLog(ctx, "verification resend", "unknown_account", args.Email)
		return nil
	case !acct.Active:
		a.flowLog(ctx, "verification resend", "inactive", args.Email)
		return nil
	case acct.EmailVerified:
		a.flowLog(ctx, "verification resend", "already_verified", args.Email)
		return nil
	}
	a.flowLog(ctx, "verification resend", "link_sent", args.Email, zap.String("user_id", acct.ID))
	return a.mailVerification(ctx, acct.ID, acct.Email)
}
