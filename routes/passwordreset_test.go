package routes

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/mail"
)

// A password the policy accepts, and others it refuses.
const (
	strongPassword  = "violet-harbor-lantern-42"
	strongPassword2 = "copper kettle rides north"
)

// TestForgotPasswordSameAnswerWhateverTheAccount: a known, an unknown and
// an inactive email get the same 202 and body, and the request itself
// neither calls Convex nor sends email (the lookup, token and email come
// after the answer, in TaskForgotPassword), so its work, and so its
// timing, does not depend on the account. Only the known, active account
// receives a link.
func TestForgotPasswordSameAnswerWhateverTheAccount(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	b := env.browser()
	var bodies []string
	for _, email := range []string{"ann@test.dev", "nobody@test.dev", "gone@test.dev", "  ANN@test.dev "} {
		before := env.calls()
		r := b.do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": email})
		if r.status != http.StatusAccepted {
			t.Fatalf("%s: %d %s", email, r.status, r.body)
		}
		if env.calls() != before || len(env.mailbox.Messages()) != 0 {
			t.Fatalf("%s: the request itself called Convex or sent email", email)
		}
		bodies = append(bodies, r.body)
	}
	for _, body := range bodies[1:] {
		if body != bodies[0] {
			t.Errorf("answers differ: %s vs %s", body, bodies[0])
		}
	}
	if got := env.runner.queued(); len(got) != 4 || got[0] != TaskForgotPassword {
		t.Fatalf("queued %v", got)
	}
	env.runTasks()
	if n := len(env.mails("ann@test.dev")); n != 2 { // the plain and the upper-case spelling
		t.Errorf("ann got %d emails, want 2", n)
	}
	if n := len(env.mailbox.Messages()); n != 2 {
		t.Errorf("%d emails in all: only the active account gets a link", n)
	}
	m, _ := env.mailbox.Latest("ann@test.dev")
	if m.Template != mail.ResetPassword || !strings.HasPrefix(m.Links[0], "https://app.test/reset-password?token=") ||
		!strings.Contains(m.Text, "Ann") || !strings.Contains(m.Text, "1 hour") {
		t.Errorf("reset email %+v", m)
	}
}

// TestResetPasswordFlow: the happy path and its refusals. A weak password
// is refused with a field-level 400 and leaves the link usable (also when
// the refusal needs the account's details, after the token was consumed);
// the reset sets the hash, ends every session of the user (the other
// browser's is refused afterwards), confirms the address and mails a
// notice; the link then answers 400 invalid_token, as does an expired one.
func TestResetPasswordFlow(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	other := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	env.users.mu.Lock()
	env.users.byEmail("ann@test.dev")["emailVerified"] = false // the link proves the address
	env.users.mu.Unlock()
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	tok := env.latestToken("ann@test.dev", mail.ResetPassword)
	if m, _ := env.mailbox.Latest("ann@test.dev"); strings.Contains(m.Text, "Ann") {
		t.Errorf("an unverified account greeted by its stored name: %s", m.Text)
	}
	b := env.browser()
	reset := func(pw string) flowResp {
		return b.do(http.MethodPost, "/api/auth/reset-password", map[string]string{"token": tok, "password": pw})
	}

	for _, tc := range []struct{ name, pw, reason string }{
		{"short", "abc", "at least 8"},
		{"common", "password123", "too common"},
		{"personal", "ann@test.dev-lantern", "name or email"}, // needs the account: checked after the token is consumed
	} {
		r := reset(tc.pw)
		r.wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "password")
		if _, fields := r.errCode(t); !strings.Contains(fields["password"].(string), tc.reason) {
			t.Errorf("%s: %s", tc.name, r.body)
		}
	}
	if !other.signedIn() {
		t.Fatal("a refused reset ended a session")
	}
	r := reset(strongPassword)
	if r.status != http.StatusOK || r.decode(t)["email"] != "ann@test.dev" || r.decode(t)["revokedSessions"] != 1.0 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if other.signedIn() {
		t.Error("a session survived the reset")
	}
	if r := env.browser().login("ann@test.dev", "right-pass-7h2q"); r.status != http.StatusUnauthorized {
		t.Errorf("old password: %d", r.status)
	}
	env.browser().mustLogin("ann@test.dev", strongPassword)
	if u := env.users.get("ann@test.dev"); u["emailVerified"] != true {
		t.Errorf("address not marked verified: %v", u)
	}
	if m, _ := env.mailbox.Latest("ann@test.dev"); m.Template != mail.PasswordChanged {
		t.Errorf("no password-changed notice: %+v", m)
	}

	reset(strongPassword2).wantErr(t, http.StatusBadRequest, CodeInvalidToken, "") // reused
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	tok = env.latestToken("ann@test.dev", mail.ResetPassword)
	env.advance(time.Hour)
	reset(strongPassword2).wantErr(t, http.StatusBadRequest, CodeInvalidToken, "") // expired
	b.do(http.MethodPost, "/api/auth/reset-password", map[string]string{"token": "nope", "password": strongPassword2}).
		wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
	// An invitation's token does not reset a password, nor a reset's accept an invitation.
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	tok = env.latestToken("ann@test.dev", mail.ResetPassword)
	b.do(http.MethodPost, "/api/auth/accept-invitation", map[string]string{"token": tok, "password": strongPassword2}).
		wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
}

// TestResetPasswordKeepSessions: with KeepSessionsOnReset the other
// sessions survive.
func TestResetPasswordKeepSessions(t *testing.T) {
	env := newFlowEnv(t, flowOpts{flows: func(f *AccountFlows) { f.KeepSessionsOnReset = true }})
	other := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	r := env.browser().do(http.MethodPost, "/api/auth/reset-password",
		map[string]string{"token": env.latestToken("ann@test.dev", mail.ResetPassword), "password": strongPassword})
	if r.status != 200 || r.decode(t)["revokedSessions"] != 0.0 || !other.signedIn() {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// TestResetPasswordLiftsLockout: the owner locked out by someone's
// guesses signs in right after resetting through the link.
func TestResetPasswordLiftsLockout(t *testing.T) {
	env := newFlowEnv(t, flowOpts{lockoutMx: 2})
	for range 3 {
		env.browser().login("ann@test.dev", "guess")
	}
	if r := env.browser().login("ann@test.dev", "right-pass-7h2q"); r.status != http.StatusTooManyRequests {
		t.Fatalf("not locked: %d %s", r.status, r.body)
	}
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	env.browser().do(http.MethodPost, "/api/auth/reset-password",
		map[string]string{"token": env.latestToken("ann@test.dev", mail.ResetPassword), "password": strongPassword})
	env.browser().mustLogin("ann@test.dev", strongPassword)
}

// TestResetLinkForAMovedAddress: a link mailed to an address the account
// no longer has (or that another account has now) is refused.
func TestResetLinkForAMovedAddress(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	env.browser().do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "ann@test.dev"})
	env.runTasks()
	tok := env.latestToken("ann@test.dev", mail.ResetPassword)
	env.users.mu.Lock()
	env.users.byEmail("ann@test.dev")["_id"] = "u_someone_else"
	env.users.mu.Unlock()
	env.browser().do(http.MethodPost, "/api/auth/reset-password", map[string]string{"token": tok, "password": strongPassword}).
		wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
}

// TestForgotPasswordLimits: the per-email limit answers 429 with
// Retry-After, for an unknown email exactly as for a known one; the
// per-IP limit counts every address.
func TestForgotPasswordLimits(t *testing.T) {
	env := newFlowEnv(t, flowOpts{policies: map[string]auth.Policy{
		PolicyForgotPasswordEmail: {Rate: 1.0 / 3600, Burst: 2}, PolicyForgotPasswordIP: {Rate: 1.0 / 3600, Burst: 5}}})
	b := env.browser()
	var limited []string
	for _, email := range []string{"ann@test.dev", "nobody@test.dev"} {
		for i := range 3 {
			r := b.do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": email})
			if i < 2 {
				if r.status != http.StatusAccepted {
					t.Fatalf("%s #%d: %d %s", email, i, r.status, r.body)
				}
				continue
			}
			r.wantErr(t, http.StatusTooManyRequests, CodeRateLimited, "")
			if r.header.Get("Retry-After") == "" {
				t.Errorf("%s: no Retry-After", email)
			}
			limited = append(limited, stripRequestID(r.body)+r.header.Get("Retry-After"))
		}
	}
	if limited[0] != limited[1] {
		t.Errorf("limited answers differ: %q vs %q", limited[0], limited[1])
	}
	// Six requests so far, five admitted by the IP (4 passed the email limit too).
	b.do(http.MethodPost, "/api/auth/forgot-password", map[string]string{"email": "third@test.dev"}).
		wantErr(t, http.StatusTooManyRequests, CodeRateLimited, "")
	if n := len(env.runner.queued()); n != 4 {
		t.Errorf("%d tasks queued, want 4", n)
	}
}

// TestFlowsRefuseCrossSite: the routes without a session apply the origin
// policy, as login does.
func TestFlowsRefuseCrossSite(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	for _, p := range []string{"/api/auth/forgot-password", "/api/auth/reset-password", "/api/auth/sign-up",
		"/api/auth/verify-email", "/api/auth/verify-email/resend", "/api/auth/accept-invitation"} {
		r := env.browser().do(http.MethodPost, p, map[string]string{"email": "ann@test.dev"}, "Origin", "https://evil.test")
		r.wantErr(t, http.StatusForbidden, CodeCSRFFailed, "")
	}
	if n := len(env.runner.queued()); n != 0 {
		t.Errorf("%d tasks queued", n)
	}
}

// TestFlowsOffAndWithoutMail: switched-off flows answer 404 not_enabled,
// flows that must mail answer 503 mail_not_configured without a Mailer;
// change-password needs no email.
func TestFlowsOffAndWithoutMail(t *testing.T) {
	off := newFlowEnv(t, flowOpts{flows: func(f *AccountFlows) { *f = AccountFlows{} }})
	for _, p := range []string{"/api/auth/forgot-password", "/api/auth/reset-password", "/api/auth/sign-up",
		"/api/auth/verify-email", "/api/auth/verify-email/resend", "/api/auth/accept-invitation"} {
		off.browser().do(http.MethodPost, p, map[string]string{}).wantErr(t, http.StatusNotFound, CodeNotEnabled, "")
	}
	b := off.browser().mustLogin("admin@test.dev", "admin-pass-9f3k")
	b.do(http.MethodPost, "/api/auth/change-password", map[string]string{}).wantErr(t, http.StatusNotFound, CodeNotEnabled, "")
	b.do(http.MethodPost, "/api/admin/invitations", map[string]string{}).wantErr(t, http.StatusNotFound, CodeNotEnabled, "")

	nomail := newFlowEnv(t, flowOpts{noMailer: true})
	for _, p := range []string{"/api/auth/forgot-password", "/api/auth/sign-up", "/api/auth/verify-email/resend"} {
		nomail.browser().do(http.MethodPost, p, map[string]string{"email": "ann@test.dev"}).
			wantErr(t, http.StatusServiceUnavailable, CodeMailNotConfigured, "")
	}
	b = nomail.browser().mustLogin("admin@test.dev", "admin-pass-9f3k")
	b.do(http.MethodPost, "/api/admin/invitations", map[string]string{"email": "x@test.dev", "name": "X", "role": "member"}).
		wantErr(t, http.StatusServiceUnavailable, CodeMailNotConfigured, "")
	r := b.do(http.MethodPost, "/api/auth/change-password", map[string]string{"currentPassword": "admin-pass-9f3k", "newPassword": strongPassword})
	if r.status != http.StatusOK {
		t.Errorf("change-password without mail: %d %s", r.status, r.body)
	}
}
