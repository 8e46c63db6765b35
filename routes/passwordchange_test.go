package routes

import (
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/mail"
)

// TestChangePassword: a signed-in user changes the password: CSRF and
// session required; a weak new password is a field-level 400 that counts
// no guess; a wrong current password is a field-level 400; the change
// rotates the session (new cookies and CSRF token: the old cookie is
// refused), ends the other sessions, mails a notice, and the new password
// signs in while the old one does not.
func TestChangePassword(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	b := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	other := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	oldCookie := sessionCookie(b)
	change := func(cur, next string) flowResp {
		return b.do(http.MethodPost, "/api/auth/change-password", map[string]string{"currentPassword": cur, "newPassword": next})
	}

	csrf := b.csrf
	b.csrf = ""
	change("right-pass-7h2q", strongPassword).wantErr(t, http.StatusForbidden, CodeCSRFFailed, "")
	b.csrf = csrf
	env.browser().do(http.MethodPost, "/api/auth/change-password", map[string]string{"currentPassword": "x", "newPassword": "y"}).
		wantErr(t, http.StatusUnauthorized, CodeUnauthenticated, "")
	change("right-pass-7h2q", "password1").wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "newPassword")
	change("right-pass-7h2q", "ann-test-dev-harbor").wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "newPassword")
	change("wrong-current", strongPassword).wantErr(t, http.StatusBadRequest, CodeInvalidCredentials, "currentPassword")
	change("right-pass-7h2q", "right-pass-7h2q").wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "newPassword")

	r := change("right-pass-7h2q", strongPassword)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := r.decode(t); got["signedOutSessions"] != 1.0 || got["csrfToken"] == csrf || got["csrfToken"] == "" {
		t.Errorf("answer %s: want the other browser's session signed out, a new CSRF token", r.body)
	}
	b.csrf = r.decode(t)["csrfToken"].(string)
	if !b.signedIn() {
		t.Error("the new session is refused")
	}
	if other.signedIn() {
		t.Error("another session survived the change")
	}
	if sessionCookie(b) == oldCookie || oldCookie == "" {
		t.Error("the session cookie did not change")
	}
	stale := env.browser()
	stale.cookies = []*http.Cookie{{Name: env.api.d.Sessions.CookieName(), Value: oldCookie}}
	if stale.signedIn() {
		t.Error("the old session cookie is still accepted")
	}
	if m, _ := env.mailbox.Latest("ann@test.dev"); m.Template != mail.PasswordChanged || !strings.Contains(m.Text, "Ann") {
		t.Errorf("notice %+v", m)
	}
	env.browser().login("ann@test.dev", "right-pass-7h2q").wantErr(t, http.StatusUnauthorized, CodeInvalidCredentials, "")
	env.browser().mustLogin("ann@test.dev", strongPassword)
	env.checkDeployKey(t)
}

// TestChangePasswordLockout: wrong current passwords count toward the
// login lockout; at the limit change-password answers 429
// account_locked, and so does login with the right password.
func TestChangePasswordLockout(t *testing.T) {
	env := newFlowEnv(t, flowOpts{lockoutMx: 3})
	b := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	for range 3 {
		b.do(http.MethodPost, "/api/auth/change-password", map[string]string{"currentPassword": "guess", "newPassword": strongPassword}).
			wantErr(t, http.StatusBadRequest, CodeInvalidCredentials, "currentPassword")
	}
	r := b.do(http.MethodPost, "/api/auth/change-password", map[string]string{"currentPassword": "right-pass-7h2q", "newPassword": strongPassword})
	r.wantErr(t, http.StatusTooManyRequests, CodeAccountLocked, "")
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	env.browser().login("ann@test.dev", "right-pass-7h2q").wantErr(t, http.StatusTooManyRequests, CodeAccountLocked, "")
	if u := env.users.get("ann@test.dev"); !strings.HasPrefix(u["passwordHash"].(string), "$2a$04$") {
		t.Error("the password changed")
	}
}

// sessionCookie is the value of b's session cookie ("" without one).
func sessionCookie(b *flowBrowser) string {
	for _, c := range b.cookies {
		if c.Name == b.env.api.d.Sessions.CookieName() {
			return c.Value
		}
	}
	return ""
}
