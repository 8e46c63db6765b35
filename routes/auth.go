package routes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
)

// loginRequest is the body of POST /api/auth/login.
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// publicUser is the user as responses show it: no hash, no internal fields.
type publicUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// sessionResponse answers login and GET /api/auth/session.
type sessionResponse struct {
	User      publicUser `json:"user"`
	CSRFToken string     `json:"csrfToken"`
	ExpiresAt time.Time  `json:"expiresAt"`
}

// maxPasswordBytes bounds the password accepted before bcrypt (which reads 72).
const maxPasswordBytes = 1024

// errInvalidCredentials is the one answer to every failed login: unknown
// email, wrong password and inactive account look the same.
func errInvalidCredentials(cause error) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidCredentials,
		Message: "Invalid email or password.", Err: cause}
}

// readLoginRequest decodes and validates the login body strictly (unknown
// fields refused) and normalises the email (trimmed, lower-cased).
func readLoginRequest(c echo.Context) (loginRequest, error) {
	var req loginRequest
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return req, err
		}
		return req, &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Message: "The request body must be a JSON object with email and password.", Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Message: "The request body must hold one JSON object."}
	}
	req.Email = strings.ToLower(strings.TrimSpace(req.Email))
	fields := map[string]string{}
	switch at := strings.IndexByte(req.Email, '@'); {
	case req.Email == "":
		fields["email"] = "required"
	case len(req.Email) > 254 || at < 1 || at == len(req.Email)-1 || strings.ContainsAny(req.Email, " \t\r\n"):
		fields["email"] = "must be an email address"
	}
	switch {
	case req.Password == "":
		fields["password"] = "required"
	case len(req.Password) > maxPasswordBytes:
		fields["password"] = fmt.Sprintf("must be at most %d bytes", maxPasswordBytes)
	}
	if len(fields) > 0 {
		return req, Invalid(fields)
	}
	return req, nil
}

// login implements POST /api/auth/login: validate → per-IP limit → lockout →
// Accounts.FindByEmail (an internal Convex query, deploy key) → bcrypt in
// the bounded pool → one generic 401 → session + CSRF cookies → the
// after-login mutations on the secondary runner. Every refusal logs its
// reason at info level (masked email); the client gets the one generic 401.
func (a *API) login(c echo.Context) error {
	outcome := "error"
	defer func() { a.loginOutcome(outcome) }()

	req, err := readLoginRequest(c)
	if err != nil {
		outcome = "invalid_request"
		return err
	}
	ctx := a.callContext(c)
	ip := c.RealIP()
	refused := func(reason string) {
		a.log.Info("login refused", zap.String("request_id", RequestIDFrom(ctx)), zap.String("reason", reason),
			zap.String("email", auth.MaskEmail(req.Email)), zap.String("remote_ip", ip))
	}
	if a.d.Accounts == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeBackendNotConfigured,
			Message: "Sign-in is not configured."}
	}
	if err := a.allow(ctx, PolicyLogin, ip); err != nil {
		outcome = "rate_limited"
		refused("rate_limited")
		return err
	}
	if err := a.d.Lockout.Check(ctx, req.Email, ip); err != nil {
		if errors.Is(err, auth.ErrLocked) {
			outcome = "locked"
			refused("locked")
		}
		return err // *LockedError → 429 account_locked + Retry-After
	}
	user, err := a.d.Accounts.FindByEmail(ctx, req.Email)
	if err != nil {
		return fmt.Errorf("look up user: %w", err)
	}
	hash := ""
	if user != nil {
		hash = user.PasswordHash
	}
	needsRehash, err := a.d.Passwords.Verify(ctx, hash, req.Password) // unknown user: dummy compare
	reason := "wrong_password"
	switch {
	case user == nil:
		reason = "unknown_account"
	case user.PasswordHash == "":
		reason = "no_password"
	case err == nil && !user.Active:
		reason, err = "inactive", auth.ErrInvalidCredentials
	}
	if err != nil {
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			if errors.Is(err, auth.ErrBusy) {
				outcome = "busy"
			}
			return err
		}
		outcome = "invalid_credentials"
		if ferr := a.d.Lockout.Fail(ctx, req.Email, ip); ferr != nil && !errors.Is(ferr, auth.ErrLocked) {
			a.log.Warn("recording login failure", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(ferr))
		}
		refused(reason)
		return errInvalidCredentials(err)
	}
	// Parallel guesses all pass the first check while the pool works through
	// them; whichever lands after the failures that locked the account must
	// not sign in, or a burst would get more than MaxFailures tries.
	if err := a.d.Lockout.Check(ctx, req.Email, ip); err != nil {
		if errors.Is(err, auth.ErrLocked) {
			outcome = "locked"
			refused("locked")
		}
		return err
	}
	if err := a.d.Lockout.Succeed(ctx, req.Email, ip); err != nil {
		a.log.Warn("clearing login failures", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
	}
	token, sess, err := a.d.Sessions.Issue(ctx, auth.SessionUser{UserID: user.ID, Role: user.Role, Name: user.Name, Email: user.Email})
	if err != nil {
		return fmt.Errorf("issue session: %w", err)
	}
	csrf := a.setSessionCookies(c, token, sess)
	a.afterLogin(ctx, user.ID, req.Password, needsRehash)
	outcome = "success"
	a.log.Info("login", zap.String("request_id", RequestIDFrom(ctx)), zap.String("user_id", user.ID),
		zap.String("email", auth.MaskEmail(req.Email)))
	return c.JSON(http.StatusOK, sessionResponse{User: publicUser{ID: user.ID, Email: user.Email, Name: user.Name, Role: user.Role},
		CSRFToken: csrf, ExpiresAt: sess.ExpiresAt.UTC()})
}

// afterLogin hands the login record (TaskRecordLogin) and, for a hash
// below the configured cost, the re-hash (see rehashLater) to the secondary
// runner: the response does not wait for them. The login time is taken now
// and passed along, so a retried record writes the same value.
func (a *API) afterLogin(ctx context.Context, userID, password string, needsRehash bool) {
	if a.d.Secondary == nil {
		return
	}
	a.d.Secondary.Enqueue(ctx, TaskRecordLogin, RecordLoginArgs{UserID: userID, At: a.now().UnixMilli()})
	if needsRehash {
		a.rehashLater(ctx, userID, password)
	}
}

func ignoreUnsupported(err error) error {
	if errors.Is(err, accounts.ErrNotSupported) {
		return nil
	}
	return err
}

// logout implements POST /api/auth/logout: revoke the session, clear cookies.
func (a *API) logout(c echo.Context) error {
	sess := a.session(c)
	if err := a.d.Sessions.Revoke(c.Request().Context(), *sess); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	c.SetCookie(a.d.Sessions.ClearCookie())
	c.SetCookie(a.d.Sessions.ClearCSRFCookie())
	return c.NoContent(http.StatusNoContent)
}

// sessionInfo implements GET /api/auth/session: the current user, the CSRF
// token and the expiry (the session middleware already slid it).
func (a *API) sessionInfo(c echo.Context) error {
	sess := a.session(c)
	return c.JSON(http.StatusOK, sessionResponse{
		User:      publicUser{ID: sess.UserID, Email: sess.Email, Name: sess.Name, Role: sess.Role},
		CSRFToken: a.d.CSRF.Token(sess.ID), ExpiresAt: sess.ExpiresAt.UTC()})
}

// convexToken implements GET /api/auth/token: a short-lived Convex JWT for a
// browser ConvexReactClient, with the same identity the gateway uses.
func (a *API) convexToken(c echo.Context) error {
	if a.tokens == nil {
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "Convex tokens are not enabled."}
	}
	tok, exp, err := a.tokens.get(PrincipalFrom(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"token": tok, "expiresAt": exp.UTC()})
}

// jwks implements GET /.well-known/jwks.json.
func (a *API) jwks(c echo.Context) error {
	if a.d.ConvexTokens == nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json", a.d.ConvexTokens.JWKS())
}

// openIDConfiguration implements GET /.well-known/openid-configuration.
func (a *API) openIDConfiguration(c echo.Context) error {
	if a.d.ConvexTokens == nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "application/json", a.d.ConvexTokens.Discovery())
}

func (a *API) loginOutcome(outcome string) {
	if a.d.Metrics != nil {
		a.d.Metrics.LoginOutcome(outcome)
	}
}
