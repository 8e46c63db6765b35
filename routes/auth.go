package routes

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
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

// readLoginRequest decodes and validates the login body strictly: the
// Content-Type must be application/json (a cross-site HTML form cannot send
// it without a CORS preflight), one JSON object, no unknown or repeated
// keys (the duplicated-key trick of text/plain form CSRF), and normalises
// the email (trimmed, lower-cased).
func readLoginRequest(c echo.Context) (loginRequest, error) {
	var req loginRequest
	body, err := ReadJSONBody(c)
	if err != nil {
		return req, err
	}
	v, errs := loginBody.Decode(body)
	if errs != nil {
		return req, &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
			Message: "The request body must be a JSON object with email and password.", Fields: errs}
	}
	in := v.Interface().(*loginJSON)
	if in.Email != nil {
		req.Email = *in.Email
	}
	if in.Password != nil {
		req.Password = *in.Password
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

// loginJSON is the login body as decoded: presence is checked after, with
// the other rules.
type loginJSON struct {
	Email    *string `json:"email"`
	Password *string `json:"password"`
}

// loginBody is the spec of the login body: only email and password, once each.
var loginBody = mustBodySpec[loginJSON]()

func mustBodySpec[T any]() *BodySpec {
	s, err := NewBodySpec(reflect.TypeFor[T](), false, "")
	if err != nil {
		panic(err)
	}
	return s
}

// login implements POST /api/auth/login, in this order:
//
//  1. the body, strictly (readLoginRequest), and the origin / Fetch-Metadata
//     policy: a cross-site page cannot sign anyone in (login CSRF);
//  2. LoginGuard.Begin: per-IP and per-account rate limits, then the
//     attempt counted for the account, atomically, before any password is
//     checked, so parallel guesses never check more than the limit;
//  3. Accounts.FindByEmail (an internal Convex query, with the deploy key);
//  4. bcrypt in the bounded pool, at the same cost whatever the account:
//     unknown accounts compare against a dummy hash, inactive ones waste a
//     comparison, cheaper stored hashes are padded to the configured cost;
//  5. the one generic 401 for every failure, and a lock found after the
//     check (Attempt.Succeed) is a failure too, so a lock never confirms a
//     right password; a locked account refused in step 2 spends the same
//     comparison before its 429, so its timing class is a failure's;
//  6. with AccountFlows.RequireEmailVerification, 403 email_unverified for
//     an account whose address is not confirmed yet, only now that its
//     password was verified;
//  7. a new session (a session cookie sent with the login is revoked:
//     sessions rotate), the CSRF cookie, and the after-login mutations on
//     the secondary runner.
//
// Every refusal logs its reason at info level (masked email).
func (a *API) login(c echo.Context) error {
	outcome := "error"
	defer func() { a.loginOutcome(outcome) }()

	r := c.Request()
	if err := a.d.Origins.Check(r.Method, r.Header.Get(echo.HeaderOrigin), r.Referer(), r.Header.Get("Sec-Fetch-Site")); err != nil {
		outcome = "csrf_failed"
		return &Error{Status: http.StatusForbidden, Code: CodeCSRFFailed,
			Message: "Sign-in is only accepted from the app's own pages.", Err: err}
	}
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
	if a.d.Accounts == nil || a.d.LoginGuard == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeBackendNotConfigured,
			Message: "Sign-in is not configured."}
	}
	attempt, err := a.d.LoginGuard.Begin(ctx, req.Email, ip)
	switch {
	case errors.Is(err, auth.ErrRateLimited):
		outcome = "rate_limited"
		refused("rate_limited")
		return err // *auth.RateLimitError → 429 rate_limited + Retry-After
	case errors.Is(err, auth.ErrLocked):
		outcome = "locked"
		refused("locked")
		if werr := a.d.Passwords.Waste(ctx, req.Password); errors.Is(werr, auth.ErrBusy) {
			return werr
		}
		return err // *auth.LockedError → 429 account_locked + Retry-After
	case err != nil:
		return err // the state store failed: 503 state_unavailable, never let through
	}
	user, err := a.d.Accounts.FindByEmail(ctx, req.Email)
	if err != nil {
		return a.release(ctx, attempt, fmt.Errorf("look up user: %w", err))
	}
	var needsRehash bool
	reason := "wrong_password"
	switch {
	case user == nil:
		reason = "unknown_account"
		_, err = a.d.Passwords.Verify(ctx, "", req.Password) // the dummy comparison
	case !user.Active:
		reason = "inactive"
		err = a.d.Passwords.Waste(ctx, req.Password) // no oracle on an inactive account's password
	case user.PasswordHash == "":
		reason = "no_password"
		_, err = a.d.Passwords.Verify(ctx, "", req.Password)
	default:
		needsRehash, err = a.d.Passwords.Verify(ctx, user.PasswordHash, req.Password)
	}
	bad, locked, err := a.settleAttempt(ctx, attempt, err)
	switch {
	case err != nil:
		if errors.Is(err, auth.ErrBusy) {
			outcome = "busy"
		}
		return err
	case bad != nil:
		if locked {
			reason = "locked_during_check"
		}
		outcome = "invalid_credentials"
		refused(reason)
		return errInvalidCredentials(bad)
	}
	if a.d.Flows.RequireEmailVerification && !user.EmailVerified {
		// Only now, with the password verified: the answer tells nothing
		// to someone without it (the one generic 401 above).
		outcome = "email_unverified"
		refused("email_unverified")
		return &Error{Status: http.StatusForbidden, Code: CodeEmailUnverified,
			Message: "Confirm your email address to sign in: open the link we sent you, or ask for a new one."}
	}
	if old := a.sessionFromCookie(c); old != nil {
		// Rotate: a session fixed before sign-in (or a previous sign-in on
		// this browser) ends here.
		if err := a.d.Sessions.Revoke(ctx, *old); err != nil {
			a.log.Warn("revoking the previous session at login", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
		}
	}
	token, sess, err := a.d.Sessions.Start(ctx, auth.SessionUser{UserID: user.ID, Role: user.Role, Name: user.Name, Email: user.Email},
		auth.ClientInfo{IP: ip, UserAgent: r.UserAgent()})
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	csrf := a.setSessionCookies(c, token, sess)
	a.afterLogin(ctx, user.ID, req.Password, needsRehash)
	outcome = "success"
	a.log.Info("login", zap.String("request_id", RequestIDFrom(ctx)), zap.String("user_id", user.ID),
		zap.String("email", auth.MaskEmail(req.Email)))
	return c.JSON(http.StatusOK, sessionResponse{User: publicUser{ID: user.ID, Email: user.Email, Name: user.Name, Role: user.Role},
		CSRFToken: csrf, ExpiresAt: sess.ExpiresAt.UTC()})
}

// release takes back an attempt whose password was never checked (the
// lookup failed, the pool was full), so an outage does not lock users out,
// and returns err.
// settleAttempt ends a guarded password check whose comparison returned
// verr. A match clears the attempt (Succeed). A wrong password, or a lock
// another request set while this one was comparing, counts as a failure
// (Fail) and comes back as bad, matching auth.ErrInvalidCredentials;
// locked reports the latter. Any other error is returned as err: the
// state store's (503 state_unavailable; the lock could not be read or
// cleared) or the password pool's (the attempt is released: nothing was
// checked).
func (a *API) settleAttempt(ctx context.Context, attempt *auth.Attempt, verr error) (bad error, locked bool, err error) {
	if verr == nil {
		serr := attempt.Succeed(ctx)
		switch {
		case serr == nil:
			return nil, false, nil
		case errors.Is(serr, auth.ErrLocked):
			verr, locked = errors.Join(auth.ErrInvalidCredentials, serr), true
		default:
			return nil, false, serr
		}
	}
	if !errors.Is(verr, auth.ErrInvalidCredentials) {
		if errors.Is(verr, auth.ErrStore) {
			return nil, false, verr
		}
		return nil, false, a.release(ctx, attempt, verr)
	}
	_ = attempt.Fail(ctx)
	return verr, locked, nil
}

func (a *API) release(ctx context.Context, attempt *auth.Attempt, err error) error {
	if rerr := attempt.Release(context.WithoutCancel(ctx)); rerr != nil {
		a.log.Warn("taking back a login attempt", zap.String("request_id", RequestIDFrom(ctx)), zap.Error(rerr))
	}
	return err
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

// clearCookiesOnError makes a route clear the session and CSRF cookies when
// the state store fails (logout: when the store cannot revoke the session,
// or cannot even check it, the browser still drops its cookies). Other
// failures (a CSRF refusal) leave them: a cross-site page must not be able
// to sign anyone out.
func (a *API) clearCookiesOnError(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if errors.Is(err, auth.ErrStore) && !c.Response().Committed {
			c.SetCookie(a.d.Sessions.ClearCookie())
			c.SetCookie(a.d.Sessions.ClearCSRFCookie())
		}
		return err
	}
}

// logout implements POST /api/auth/logout: revoke the session, clear the
// cookies. The route's clearCookiesOnError clears them even when the
// revocation fails (the answer is then 503 state_unavailable: the session
// itself is still live and the client should try again).
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
