package demo

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/convexgw/convexgw/gateway"
	"github.com/convexgw/convexgw/mail"
)

// devMailToken polls the dev mailbox's JSON page (/dev/mailbox/latest?to=)
// until the newest email to address is of template tpl, and returns its
// link's token: the runner delivers after the answer (a goroutine
// hand-off, polled with a deadline).
func devMailToken(t *testing.T, g *gateway.Gateway, address string, tpl mail.Template) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(g.URL() + mail.MailboxLatestPath + "?to=" + url.QueryEscape(address))
		if err != nil {
			t.Fatal(err)
		}
		var m mail.Captured
		err = json.NewDecoder(res.Body).Decode(&m)
		res.Body.Close()
		if err == nil && res.StatusCode == 200 && m.Template == tpl && len(m.Links) > 0 {
			u, _ := url.Parse(m.Links[0])
			return u.Query().Get("token")
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s email to %s in the dev mailbox", tpl, address)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// devClient is a browser against a dev gateway: a cookie jar and the CSRF
// token of its session.
type devClient struct {
	t    *testing.T
	g    *gateway.Gateway
	c    *http.Client
	csrf string
}

func newDevClient(t *testing.T, g *gateway.Gateway) *devClient {
	jar, _ := cookiejar.New(nil)
	return &devClient{t: t, g: g, c: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

func (d *devClient) post(path string, body any) httpResult {
	d.t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, d.g.URL()+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if d.csrf != "" {
		req.Header.Set("X-CSRF-Token", d.csrf)
	}
	res, err := d.c.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	r := httpResult{status: res.StatusCode, header: res.Header}
	r.body, _ = io.ReadAll(res.Body)
	if m := map[string]any{}; json.Unmarshal(r.body, &m) == nil {
		if tok, ok := m["csrfToken"].(string); ok {
			d.csrf = tok
		}
	}
	return r
}

// TestE2EDevModeFlows: the account flows of `gateway -dev` over loopback
// HTTP, with the links read from the dev mailbox as the README's
// walk-through does: a reset (the session from before is refused
// afterwards), a sign-up verified by its link, an invitation accepted, a
// password change.
func TestE2EDevModeFlows(t *testing.T) {
	g := devGateway(t, func(cfg *gateway.Config) { cfg.SignUpEnabled = true })
	status := func(label string, r httpResult, want int) {
		t.Helper()
		if r.status != want {
			t.Fatalf("%s: %d %s, want %d", label, r.status, r.body, want)
		}
	}

	before := newDevClient(t, g)
	status("login", before.post("/api/auth/login", map[string]string{"email": "member@demo.test", "password": "demo-member-pass"}), 200)
	anon := newDevClient(t, g)
	status("forgot", anon.post("/api/auth/forgot-password", map[string]string{"email": "member@demo.test"}), 202)
	tok := devMailToken(t, g, "member@demo.test", mail.ResetPassword)
	status("reset", anon.post("/api/auth/reset-password", map[string]string{"token": tok, "password": flowsPassword}), 200)
	status("the session from before", before.post("/api/auth/logout", nil), 401)
	member := newDevClient(t, g)
	status("login with the new password", member.post("/api/auth/login", map[string]string{"email": "member@demo.test", "password": flowsPassword}), 200)

	status("sign-up", anon.post("/api/auth/sign-up", map[string]string{"email": "newbie@demo.test", "password": flowsPassword, "name": "Newbie"}), 202)
	tok = devMailToken(t, g, "newbie@demo.test", mail.VerifyEmail)
	status("login before verifying", newDevClient(t, g).post("/api/auth/login", map[string]string{"email": "newbie@demo.test", "password": flowsPassword}), 403)
	status("verify", anon.post("/api/auth/verify-email", map[string]string{"token": tok}), 200)
	status("login after verifying", newDevClient(t, g).post("/api/auth/login", map[string]string{"email": "newbie@demo.test", "password": flowsPassword}), 200)

	admin := newDevClient(t, g)
	status("admin login", admin.post("/api/auth/login", map[string]string{"email": "admin@demo.test", "password": "demo-admin-pass"}), 200)
	status("invitation by a member", member.post("/api/admin/invitations", map[string]string{"email": "ivy@demo.test", "name": "Ivy", "role": "manager"}), 403)
	status("invitation", admin.post("/api/admin/invitations", map[string]string{"email": "ivy@demo.test", "name": "Ivy", "role": "manager"}), 201)
	tok = devMailToken(t, g, "ivy@demo.test", mail.Invitation)
	status("accept", anon.post("/api/auth/accept-invitation", map[string]string{"token": tok, "password": flowsPassword}), 200)
	ivy := newDevClient(t, g)
	status("invitee login", ivy.post("/api/auth/login", map[string]string{"email": "ivy@demo.test", "password": flowsPassword}), 200)

	status("change", ivy.post("/api/auth/change-password", map[string]string{"currentPassword": flowsPassword, "newPassword": flowsPassword2}), 200)
	status("login with the changed password", newDevClient(t, g).post("/api/auth/login", map[string]string{"email": "ivy@demo.test", "password": flowsPassword2}), 200)
}
