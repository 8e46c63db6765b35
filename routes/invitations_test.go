package routes

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/mail"
)

// TestInvitations: Convex decides who may invite (a member gets 403 from
// authorizeInvitation, which runs as the caller; an unknown role 422
// naming the field); an admin's invitation creates the account without a
// password and mails a 7-day link naming the inviter and the role; the
// invitee accepts with a password (the address becomes verified) and
// signs in; the link works once, and not after 7 days. A pending
// invitation is re-sent (200, resent); a known address answers 409.
func TestInvitations(t *testing.T) {
	env := newFlowEnv(t, flowOpts{})
	admin := env.browser().mustLogin("admin@test.dev", "admin-pass-9f3k")
	member := env.browser().mustLogin("ann@test.dev", "right-pass-7h2q")
	invite := func(b *flowBrowser, email, role string) flowResp {
		return b.do(http.MethodPost, "/api/admin/invitations", map[string]string{"email": email, "name": "Nia New", "role": role})
	}

	before := env.calls()
	invite(member, "nia@test.dev", "member").wantErr(t, http.StatusForbidden, "forbidden", "")
	invite(admin, "nia@test.dev", "owner").wantErr(t, http.StatusUnprocessableEntity, "invalid", "role")
	for _, c := range env.dep.Calls()[before:] {
		if c.Path != "users:authorizeInvitation" || c.Auth != convextest.AuthActing {
			t.Errorf("refused invitation called %s (%v)", c.Path, c.Auth)
		}
	}
	invite(admin, "nia@test.dev", "").wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "role")
	if env.users.get("nia@test.dev") != nil {
		t.Fatal("a refused invitation created the account")
	}

	r := invite(admin, " NIA@test.dev", "manager")
	if r.status != http.StatusCreated || r.decode(t)["resent"] != false || r.decode(t)["role"] != "manager" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	u := env.users.get("nia@test.dev")
	if u == nil || u["passwordHash"] != nil || u["emailVerified"] != false || u["role"] != "manager" || u["name"] != "Nia New" {
		t.Fatalf("invitee %v", u)
	}
	m, _ := env.mailbox.Latest("nia@test.dev")
	if m.Template != mail.Invitation || !strings.Contains(m.Text, "Ada Admin invited you") || !strings.Contains(m.Text, "as manager") ||
		!strings.Contains(m.Text, "7 days") || !strings.HasPrefix(m.Links[0], "https://app.test/accept-invitation?token=") {
		t.Errorf("invitation %+v", m)
	}
	env.browser().login("nia@test.dev", "anything-at-all").wantErr(t, http.StatusUnauthorized, CodeInvalidCredentials, "")

	// Re-invited while pending: a new link, the role as it was.
	r = invite(admin, "nia@test.dev", "member")
	if r.status != http.StatusOK || r.decode(t)["resent"] != true || r.decode(t)["role"] != "manager" {
		t.Fatalf("re-invite: %d %s", r.status, r.body)
	}
	tok := env.latestToken("nia@test.dev", mail.Invitation)
	b := env.browser()
	accept := func(tok, pw string) flowResp {
		return b.do(http.MethodPost, "/api/auth/accept-invitation", map[string]string{"token": tok, "password": pw})
	}
	accept(tok, "nia-new-2026").wantErr(t, http.StatusBadRequest, CodeInvalidRequest, "password") // her name
	if r := accept(tok, strongPassword); r.status != http.StatusOK || r.decode(t)["email"] != "nia@test.dev" {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	if u := env.users.get("nia@test.dev"); u["emailVerified"] != true {
		t.Errorf("invitee not verified: %v", u)
	}
	env.browser().mustLogin("nia@test.dev", strongPassword)
	accept(tok, strongPassword2).wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
	invite(admin, "nia@test.dev", "member").wantErr(t, http.StatusConflict, CodeEmailTaken, "")
	invite(admin, "ann@test.dev", "member").wantErr(t, http.StatusConflict, CodeEmailTaken, "")

	// An invitation's link lasts 7 days.
	invite(admin, "late@test.dev", "member")
	tok = env.latestToken("late@test.dev", mail.Invitation)
	env.advance(7*24*time.Hour - time.Minute)
	admin = env.browser().mustLogin("admin@test.dev", "admin-pass-9f3k") // sessions last an hour here
	if r := invite(admin, "later@test.dev", "member"); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	env.advance(time.Minute)
	accept(tok, strongPassword).wantErr(t, http.StatusBadRequest, CodeInvalidToken, "")
	if r := accept(env.latestToken("later@test.dev", mail.Invitation), strongPassword); r.status != http.StatusOK {
		t.Errorf("a fresh invitation: %d %s", r.status, r.body)
	}
	env.checkDeployKey(t)
}
