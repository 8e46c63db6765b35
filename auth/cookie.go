package auth

import (
	"net/http"
	"time"
)

// CookieName returns the session cookie's name: "__Host-cgw_session" when
// Secure, "cgw_session" otherwise.
func (s *Sessions) CookieName() string { return s.cookie }

// CSRFCookieName returns the CSRF cookie's name: "__Host-cgw_csrf" when
// Secure, "cgw_csrf" otherwise.
func (s *Sessions) CSRFCookieName() string { return s.csrfName }

// Cookie returns the session cookie for token: HttpOnly, SameSite=Lax,
// Path=/, no Domain, Secure as configured, expiring with sess.
func (s *Sessions) Cookie(token string, sess Session) *http.Cookie {
	return s.newCookie(s.cookie, token, sess.ExpiresAt, true)
}

// ClearCookie returns a cookie that deletes the session cookie.
func (s *Sessions) ClearCookie() *http.Cookie { return s.expired(s.cookie, true) }

// CSRFCookie returns the readable (not HttpOnly) cookie carrying the CSRF
// token for the browser to echo in a header; otherwise like Cookie.
func (s *Sessions) CSRFCookie(csrfToken string, sess Session) *http.Cookie {
	return s.newCookie(s.csrfName, csrfToken, sess.ExpiresAt, false)
}

// ClearCSRFCookie returns a cookie that deletes the CSRF cookie.
func (s *Sessions) ClearCSRFCookie() *http.Cookie { return s.expired(s.csrfName, false) }

func (s *Sessions) newCookie(name, value string, expires time.Time, httpOnly bool) *http.Cookie {
	maxAge := int(expires.Sub(s.cfg.Now()).Seconds())
	if maxAge <= 0 {
		return s.expired(name, httpOnly)
	}
	return &http.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires.UTC(), MaxAge: maxAge,
		HttpOnly: httpOnly, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode,
	}
}

func (s *Sessions) expired(name string, httpOnly bool) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0).UTC(), MaxAge: -1,
		HttpOnly: httpOnly, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode,
	}
}
