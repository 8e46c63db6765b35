package routes

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// HeaderCSRF carries the CSRF token on unsafe requests.
const HeaderCSRF = "X-CSRF-Token"

// loadSession verifies the session cookie, if any, and stores the Principal
// and the auth.Session in the context. An invalid, expired or revoked
// cookie is treated as no session; a state store that cannot answer is
// not (503 state_unavailable: signing everyone out during a Redis outage
// would be wrong). When the session is old enough to slide, the user is
// read again from the accounts contract first: a deactivated or deleted
// user loses every session there and then, and a changed role, name or
// email goes into the new token (within one SESSION_REFRESH_AFTER).
func (a *API) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(sessionKey) != nil {
			return next(c)
		}
		ck, err := c.Cookie(a.d.Sessions.CookieName())
		if err != nil || ck.Value == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		sess, err := a.verifySession(ctx, ck.Value)
		if err != nil {
			if errors.Is(err, auth.ErrStore) {
				return err
			}
			if ce := a.log.Check(zap.DebugLevel, "session refused"); ce != nil {
				ce.Write(zap.String("request_id", RequestIDFrom(ctx)), zap.Error(err))
			}
			return next(c)
		}
		if a.d.Sessions.RefreshDue(sess) {
			var ok bool
			if sess, ok, err = a.slide(c, sess); err != nil {
				return err
			} else if !ok {
				return next(c) // the user may no longer sign in: no session
			}
		}
		a.setSession(c, sess)
		return next(c)
	}
}

// slide refreshes a session that is due: it re-reads the user, ends every
// session of a user who may no longer sign in (ok false), and otherwise
// issues the new token with the current claims. When the accounts contract
// cannot answer (Convex down), the session goes on with its old claims
// until the next request: an outage must not sign anyone out.
func (a *API) slide(c echo.Context, sess auth.Session) (auth.Session, bool, error) {
	ctx := c.Request().Context()
	rid := zap.String("request_id", RequestIDFrom(ctx))
	var updated *auth.SessionUser
	if a.d.Accounts != nil {
		u, err := a.reloadUser(convexclient.WithRequestID(ctx, RequestIDFrom(ctx)), sess)
		switch {
		case err != nil:
			a.log.Warn("re-reading the user for a session refresh", rid, zap.Error(err))
			return sess, true, nil
		case u == nil || !u.Active || u.ID != sess.UserID:
			if _, err := a.d.Sessions.RevokeAll(ctx, sess.UserID); err != nil {
				return sess, false, err
			}
			a.log.Info("sessions ended: the user may no longer sign in", rid, zap.String("user_id", sess.UserID))
			c.SetCookie(a.d.Sessions.ClearCookie())
			c.SetCookie(a.d.Sessions.ClearCSRFCookie())
			return sess, false, nil
		default:
			updated = &auth.SessionUser{UserID: u.ID, Role: u.Role, Name: u.Name, Email: u.Email}
		}
	}
	tok, fresh, refreshed, err := a.d.Sessions.RefreshWith(ctx, sess, updated)
	switch {
	case errors.Is(err, auth.ErrStore):
		return sess, false, err
	case err != nil:
		a.log.Info("session refresh refused", rid, zap.Error(err))
		return sess, false, nil
	case refreshed:
		a.setSessionCookies(c, tok, fresh)
		return fresh, true, nil
	}
	return sess, true, nil
}

// reloadUser reads the session's user again: by id when the accounts
// contract offers FindByID (and has it switched on), else by the
// session's email.
func (a *API) reloadUser(ctx context.Context, sess auth.Session) (*accounts.Account, error) {
	if byID, ok := a.d.Accounts.(interface {
		FindByID(ctx context.Context, id string) (*accounts.Account, error)
	}); ok {
		u, err := byID.FindByID(ctx, sess.UserID)
		if !errors.Is(err, accounts.ErrNotSupported) {
			return u, err
		}
	}
	return a.d.Accounts.FindByEmail(ctx, sess.Email)
}

// sessionFromCookie returns the valid session of the request's cookie, or
// nil (login uses it to rotate sessions).
func (a *API) sessionFromCookie(c echo.Context) *auth.Session {
	ck, err := c.Cookie(a.d.Sessions.CookieName())
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := a.verifySession(c.Request().Context(), ck.Value)
	if err != nil {
		return nil
	}
	return &sess
}

// sessionCacheTTL bounds how long a verified session token is remembered;
// maxCachedSessions bounds how many are (see ttlCache).
const (
	sessionCacheTTL   = time.Minute
	maxCachedSessions = 10000
)

// verifySession is Sessions.Verify with the JWT parse and signature check
// remembered per token string for up to sessionCacheTTL: a browser sends
// the same cookie on every request. Every call still runs the checks that
// can change (expiry, MaxAge and revocation through the Store, via
// Sessions.Revalidate), so a logout takes effect on the next request.
// Failures are not cached.
func (a *API) verifySession(ctx context.Context, token string) (auth.Session, error) {
	now := a.now()
	if sess, ok := a.sessions.get(token, now); ok {
		if err := a.d.Sessions.Revalidate(ctx, sess); err != nil {
			if !errors.Is(err, auth.ErrStore) {
				a.sessions.remove(token)
			}
			return auth.Session{}, err
		}
		return sess, nil
	}
	sess, err := a.d.Sessions.Verify(ctx, token)
	if err != nil {
		return sess, err
	}
	exp := now.Add(sessionCacheTTL)
	if sess.ExpiresAt.Before(exp) {
		exp = sess.ExpiresAt
	}
	a.sessions.put(token, sess, exp, now)
	return sess, nil
}

// setSession stores sess and its Principal in c.
func (a *API) setSession(c echo.Context, sess auth.Session) {
	c.Set(sessionKey, &sess)
	c.Set(principalKey, &Principal{UserID: sess.UserID, Role: sess.Role, Name: sess.Name,
		Email: sess.Email, SessionID: sess.ID})
}

// session returns the verified session of the request, or nil.
func (a *API) session(c echo.Context) *auth.Session {
	s, _ := c.Get(sessionKey).(*auth.Session)
	return s
}

// requireSession answers 401 unauthenticated without a valid session, and
// 403 csrf_failed for an unsafe method whose X-CSRF-Token does not match the
// session or whose origin is not allowed.
func (a *API) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return a.loadSession(func(c echo.Context) error {
		sess := a.session(c)
		if sess == nil {
			return errUnauthenticated()
		}
		if err := a.checkCSRF(c, sess); err != nil {
			return err
		}
		return next(c)
	})
}

// checkCSRF applies the origin policy and the CSRF token to unsafe methods.
func (a *API) checkCSRF(c echo.Context, sess *auth.Session) error {
	r := c.Request()
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	csrfErr := func(err error) error {
		return &Error{Status: http.StatusForbidden, Code: CodeCSRFFailed,
			Message: "Missing or invalid CSRF token.", Err: err}
	}
	if err := a.d.Origins.Check(r.Method, r.Header.Get(echo.HeaderOrigin), r.Referer(),
		r.Header.Get("Sec-Fetch-Site")); err != nil {
		return csrfErr(err)
	}
	if err := a.d.CSRF.Verify(sess.ID, r.Header.Get(HeaderCSRF)); err != nil {
		return csrfErr(err)
	}
	return nil
}

// setSessionCookies sets the session cookie (HttpOnly) and the CSRF cookie
// (readable by the page's script) and returns the CSRF token.
func (a *API) setSessionCookies(c echo.Context, token string, sess auth.Session) string {
	csrf := a.d.CSRF.Token(sess.ID)
	c.SetCookie(a.d.Sessions.Cookie(token, sess))
	c.SetCookie(a.d.Sessions.CSRFCookie(csrf, sess))
	return csrf
}

// protectPages redirects a request for a protected page prefix without a
// session to /sign-in?redirect=<path?query>. API routes are not pages: they
// answer 401 through requireSession.
func (a *API) protectPages(next echo.HandlerFunc) echo.HandlerFunc {
	loaded := a.loadSession(func(c echo.Context) error {
		if a.session(c) == nil {
			target := "/sign-in?redirect=" + url.QueryEscape(c.Request().URL.RequestURI())
			return c.Redirect(http.StatusFound, target)
		}
		return next(c)
	})
	return func(c echo.Context) error {
		if a.protectedPage(c.Request().URL.Path) {
			return loaded(c)
		}
		return next(c)
	}
}

// protectedPage reports whether path is a protected prefix or below one
// (segment boundary: /dashboard and /dashboard/x, not /dashboards).
func (a *API) protectedPage(path string) bool {
	for _, p := range a.d.ProtectedPrefixes {
		p = strings.TrimSuffix(p, "/")
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}
