package routes

import (
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/mail"
)

// TestSignUpWithVerification: a new and a known email get the same 202
// and body, and the request neither calls Convex nor mails (TaskSignUp
// does, after the answer). The new address receives a verification link
// without the typed name; the known one an "account exists" notice
// greeting the stored name, never the one typed. Until the link is used
// the right password answers 403 email_unverified (a wrong one the
// generic 401); after it, login works; the link works once.
func TestSignUpWithVerification(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	b := env.browser()
	var bodies []string
	for _, in := range []map[string]string{
		{"email": " New@Test.dev ", "password": strongPassword, "name": "Click evil.test now"},
		{"email": "ann@test.dev", "password": strongPassword2, "name": "Click evil.test now"},
	} {
		before := env.calls()
		r := b.do(http.MethodPost, "/api/auth/sign-up", in)
		if r.status != http.StatusAccepted {
			t.Fatalf("%v: %d %s", in, r.status, r.body)
		}
		if env.calls() != before || len(env.mailbox.Messages()) != 0 {
			t.Fatal("the request itself called Convex or sent email")
		}
		bodies = append(bodies, r.body)
	}
	if bodies[0] != bodies[1] {
		t.Errorf("answers differ: %s vs %s", bodies[0], bodies[1])
	}
	env.runTasks()
	verify, _ := env.mailbox.Latest("new@test.dev")
	exists, _ := env.mailbox.Latest("ann@test.dev")
	if verify.Template != mail.VerifyEmail || strings.Contains(verify.Text, "evil") {
		t.Errorf("verification email %+v", verify)
	}
	if exists.Template != mail.AccountExists || strings.Contains(exists.Text, "evil") || !strings.Contains(exists.Text, "Hello Ann,") ||
		!strings.Contains(exists.Text, "https://app.test/forgot-password") {
		t.Errorf("account-exists email %+v", exists)
	}
	if u := env.users.get("ann@test.dev"); u["name"] != "Ann" {
		t.Errorf("the known account changed: %v", u)
	}
	u := env.users.get("new@test.dev")
	if u == nil || u["emailVerified"] != false || u["name"] != "Click evil.test now" || u["role"] != "member" {
		t.Fatalf("created %v", u)
	}

	env.browser().login("new@test.dev", strongPassword).wantErr(t, http.StatusForbidden, CodeEmailUnverified, "")
	env.browser().login("new@test.dev", "wrong-password").wantErr(t, http.StatusUnauthorized, CodeInvalidCredentials, "")
	tok := env.latestToken("new@test.dev", mail.VerifyEmail)
	r := b.do(http.MethodPost, "/api/auth/verify-email", map[string]string{"token": tok})
	if r.status != http.StatusOK || r.decode(t)["email"] != "new@test.dev" || r.decode(t)["verified"] != true {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	env.browser().mustLogin("new@test.dev", strongPassword)
	b.do(http.MethodPost, "/api/auth/verify-email", map[string]string{"token": tok}).wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
	b.do(http.MethodPost, "/api/auth/verify-email", map[string]string{}).wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "token")
}

// TestSignUpRetryFindsItsOwnAccount: a TaskSignUp retried after an attempt
// whose answer was lost (the account was created) mails the verification
// link, not the "account exists" notice.
func TestSignUpRetryFindsItsOwnAccount(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	env.browser().do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "new@test.dev", "password": strongPassword, "name": "New"})
	env.runner.mu.Lock()
	held := env.runner.tasks[0]
	env.runner.tasks = append(env.runner.tasks, held) // the same task twice: an at-least-once redelivery
	env.runner.mu.Unlock()
	env.runTasks()
	for _, m := range env.mails("new@test.dev") {
		if m.Template != mail.VerifyEmail {
			t.Errorf("redelivered sign-up mailed %s", m.Template)
		}
	}
}

// TestSignUpValidationAndPolicy: field-level 400s, the password policy
// with the email and the name, the per-IP and per-email limits.
func TestSignUpValidationAndPolicy(t *testing.T) {
	env := newFlowEnv(t, flowOpts{policies: map[string]auth.Policy{
		PolicySignUpEmail: {Rate: 1.0 / 3600, Burst: 1}, PolicySignUpIP: {Rate: 1.0 / 3600, Burst: 6}}})
	b := env.browser()
	for _, tc := range []struct {
		body  any
		field string
	}{
		{map[string]string{"email": "x@test.dev", "password": strongPassword}, "name"},
		{map[string]string{"email": "not-an-email", "password": strongPassword, "name": "X"}, "email"},
		{map[string]string{"email": "x@test.dev", "password": strongPassword, "name": "X", "role": "admin"}, "role"},
		{`{"email":"x@test.dev","email":"y@test.dev","password":"` + strongPassword + `","name":"X"}`, "email"},
		{map[string]string{"email": "x@test.dev", "password": "password1", "name": "X"}, "password"},
		{map[string]string{"email": "maria@test.dev", "password": "maria-sunflower", "name": "Maria"}, "password"},
	} {
		b.do(http.MethodPost, "/api/auth/sign-up", tc.body).wantErr(t, http.StatusBadRequest, CodeInvalidRequest, tc.field)
	}
	if r := b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "x@test.dev", "password": strongPassword, "name": "X"}); r.status != 202 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "x@test.dev", "password": strongPassword, "name": "X"}).
		wantErr(t, http.StatusTooManyRequests, CodeRateLimited, "")
	// The per-IP limit counted the bodies that passed validation (the two
	// policy refusals and the two sign-ups): two left, then refused.
	b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "y@test.dev", "password": strongPassword, "name": "Y"})
	b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "z@test.dev", "password": strongPassword, "name": "Z"})
	b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "w@test.dev", "password": strongPassword, "name": "W"}).
		wantErr(t, http.StatusTooManyRequests, CodeRateLimited, "")
}

// TestSignUpWithoutVerification: the account is created and signed in at
// once (201, the session), a verification link is mailed, the address can
// sign in unverified; a known email answers 409 email_taken.
func TestSignUpWithoutVerification(t *testing.T) {
	env := newFlowEnv(t, flowOpts{flows: func(f *AccountFlows) { f.RequireEmailVerification = false }})
	b := env.browser()
	r := b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "new@test.dev", "password": strongPassword, "name": "New"})
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	user, _ := r.decode(t)["user"].(map[string]any)
	if user["email"] != "new@test.dev" || user["role"] != "member" || r.decode(t)["csrfToken"] == "" || !b.signedIn() {
		t.Errorf("session %s", r.body)
	}
	if m, ok := env.mailbox.Latest("new@test.dev"); !ok || m.Template != mail.VerifyEmail {
		t.Errorf("no verification link: %+v", m)
	}
	env.browser().mustLogin("new@test.dev", strongPassword)
	b.do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "ann@test.dev", "password": strongPassword, "name": "Ann"}).
		wantErr(t, http.StatusConflict, CodeEmailTaken, "")
}

// TestSignUpOff: off by default.
func TestSignUpOff(t *testing.T) {
	env := newFlowEnv(t, flowOpts{flows: func(f *AccountFlows) { f.SignUp = false }})
	env.browser().do(http.MethodPost, "/api/auth/sign-up", map[string]string{"email": "new@test.dev", "password": strongPassword, "name": "New"}).
		wantErr(t, http.StatusNotFound, CodeNotEnabled, "")
}

// TestResendVerification: the same 202 for an unverified, a verified and
// an unknown address; only the unverified one gets a link, and the newest
// link works.
func TestResendVerification(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	env.users.add("u_pending", "pending@test.dev", "Pending", "member", strongPassword, map[string]any{"emailVerified": false})
	b := env.browser()
	var bodies []string
	for _, email := range []string{"pending@test.dev", "ann@test.dev", "nobody@test.dev", "gone@test.dev"} {
		r := b.do(http.MethodPost, "/api/auth/verify-email/resend", map[string]string{"email": email})
		if r.status != http.StatusAccepted {
			t.Fatalf("%s: %d %s", email, r.status, r.body)
		}
		bodies = append(bodies, r.body)
	}
	for _, body := range bodies[1:] {
		if body != bodies[0] {
			t.Errorf("answers differ: %s vs %s", body, bodies[0])
		}
	}
	env.runTasks()
	if n := len(env.mailbox.Messages()); n != 1 {
		t.Fatalf("%d emails, want 1 (to the unverified address)", n)
	}
	r := b.do(http.MethodPost, "/api/auth/verify-email", map[string]string{"token": env.latestToken("pending@test.dev", mail.VerifyEmail)})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	env.browser().mustLogin("pending@test.dev", strongPassword)
}
