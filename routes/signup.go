package routes

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
)

// signUpJSON is the body of POST /api/auth/sign-up.
type signUpJSON struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// Validate normalises the email (trimmed, lower-cased) and the name
// (trimmed) and checks the input bounds; the password policy runs later,
// after the per-IP limit.
func (b *signUpJSON) Validate(errs FieldErrors) {
	b.Email = normEmail(b.Email)
	checkMailEmail(errs, "email", b.Email)
	b.Name = checkName(errs, "name", b.Name)
	checkPasswordInput(errs, "password", b.Password)
}

var signUpBody = mustBodySpec[signUpJSON]()

// readBody decodes c's body strictly with spec (see BodySpec) into a *T.
func readBody[T any](c echo.Context, spec *BodySpec) (*T, error) {
	body, err := ReadJSONBody(c)
	if err != nil {
		return nil, err
	}
	v, errs := spec.Decode(body)
	if errs != nil {
		return nil, Invalid(errs)
	}
	return v.Interface().(*T), nil
}

// signUpMessage is the one answer of a sign-up with verification.
const signUpMessage = "Check your inbox: we sent this address a link to finish signing up."

// signUp implements POST /api/auth/sign-up {email, password, name}, off
// unless AccountFlows.SignUp, in this order: the origin policy; the body,
// strictly; the per-IP limit; the password policy (with the email and
// name: field-level 400); the per-email limit; the hash (the bcrypt pool).
//
// With RequireEmailVerification the account is created by TaskSignUp
// after the answer, which is always the same 202: whether the email has an
// account shows neither in the answer nor in its timing (the request does
// the same work either way), only in the email the address receives (a
// verification link, or an "account exists" notice).
//
// Without it the account is created at once and signed in (201 with the
// session, as login answers; a verification link is mailed when the
// gateway can send email), and a known email answers 409 email_taken.
func (a *API) signUp(c echo.Context) error {
	f := a.d.Flows
	lc := a.lifecycle()
	if !f.SignUp || lc == nil || (f.RequireEmailVerification && f.Tokens == nil) {
		return errNotEnabled("Sign-up")
	}
	if f.RequireEmailVerification && f.Mailer == nil {
		return errMailNotConfigured("Sign-up")
	}
	if err := a.checkOrigin(c); err != nil {
		return err
	}
	in, err := readBody[signUpJSON](c, signUpBody)
	if err != nil {
		return err
	}
	ctx := contractContext(c)
	if err := a.limit(ctx, PolicySignUpIP, auth.ClientKey(c.RealIP())); err != nil {
		return err
	}
	if err := f.Policy.Check(in.Password, auth.PasswordUser{Email: in.Email, Name: in.Name}); err != nil {
		return weakPassword("password", err)
	}
	if err := a.limit(ctx, PolicySignUpEmail, subjectKey("email", in.Email)); err != nil {
		return err
	}
	hash, err := a.d.Passwords.Hash(ctx, in.Password)
	if err != nil {
		return err
	}
	if f.RequireEmailVerification {
		if err := a.runLater(ctx, TaskSignUp, SignUpArgs{Email: in.Email, Name: in.Name, PasswordHash: hash}); err != nil {
			return err
		}
		return accepted(c, signUpMessage)
	}

	id, err := lc.CreateUser(ctx, accounts.NewUser{Email: in.Email, Name: in.Name, PasswordHash: hash})
	switch {
	case errors.Is(err, accounts.ErrEmailTaken):
		a.flowLog(ctx, "sign-up", "account_exists", in.Email)
		return &Error{Status: http.StatusConflict, Code: CodeEmailTaken,
			Message: "An account with this email exists: sign in, or reset your password."}
	case errors.Is(err, accounts.ErrNotSupported):
		return errNotEnabled("Sign-up")
	case err != nil:
		return err
	}
	acct := &accounts.Account{ID: id, Email: in.Email, Name: in.Name, Active: true}
	if u, err := a.d.Accounts.FindByEmail(ctx, in.Email); err == nil && u != nil && u.ID == id {
		acct = u // the role the app chose
	}
	a.flowLog(ctx, "sign-up", "created", in.Email, zap.String("user_id", id))
	if f.Mailer != nil && f.Tokens != nil {
		if err := a.mailVerification(ctx, id, in.Email); err != nil {
			a.log.Warn("sign-up: verification email not sent", zap.String("request_id", RequestIDFrom(ctx)),
				zap.String("user_id", id), zap.Error(err))
		}
	}
	resp, err := a.startSession(c, acct)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, resp)
}

// startSession signs acct in on this browser: a session cookie sent with
// the request is revoked (sessions rotate), a new session starts, and the
// session and CSRF cookies are set.
func (a *API) startSession(c echo.Context, acct *accounts.Account) (sessionResponse, error) {
	ctx := c.Request().Context()
	if old := a.sessionFromCookie(c); old != nil {
		if err := a.d.Sessions.Revoke(ctx, *old); err != nil {
			a.log.Warn("revoking the previous session", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
		}
	}
	token, sess, err := a.d.Sessions.Start(ctx, auth.SessionUser{UserID: acct.ID, Role: acct.Role, Name: acct.Name, Email: acct.Email},
		auth.ClientInfo{IP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	if err != nil {
		return sessionResponse{}, err
	}
	csrf := a.setSessionCookies(c, token, sess)
	return sessionResponse{User: publicUser{ID: acct.ID, Email: acct.Email, Name: acct.Name, Role: acct.Role},
		CSRFToken: csrf, ExpiresAt: sess.ExpiresAt.UTC()}, nil
}
