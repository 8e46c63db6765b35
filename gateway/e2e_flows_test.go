package gateway

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// smtpMail is a message the loopback SMTP server received, read back as a
// mail client would (multipart/alternative, quoted-printable decoded).
type smtpMail struct {
	to, subject, text string
}

func parseSMTPMail(t *testing.T, data []byte) smtpMail {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a message: %v", err)
	}
	var dec mime.WordDecoder
	subj, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	out := smtpMail{to: m.Header.Get("To"), subject: subj}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(m.Body)
		out.text = string(body)
		return out
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part)
		if ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct == "text/plain" {
			out.text = string(body)
		}
	}
}

// mailsTo returns the messages srv received for address, oldest first.
func (f *flakySMTP) mailsTo(t *testing.T, address string) []smtpMail {
	t.Helper()
	f.mu.Lock()
	raw := append([][]byte(nil), f.got...)
	f.mu.Unlock()
	var out []smtpMail
	for _, data := range raw {
		if m := parseSMTPMail(t, data); strings.Contains(m.to, address) {
			out = append(out, m)
		}
	}
	return out
}

var linkToken = regexp.MustCompile(`https?://\S+\?token=([A-Za-z0-9_.%-]+)`)

// awaitToken waits for the n-th message to address (1-based) whose
// subject contains subject, and returns the token of its link: the runner
// delivers after the answer (a goroutine hand-off, polled with a deadline).
func (f *flakySMTP) awaitToken(t *testing.T, address, subject string, n int) string {
	t.Helper()
	var found []smtpMail
	waitFor(t, "an email to "+address, func() bool {
		found = found[:0]
		for _, m := range f.mailsTo(t, address) {
			if strings.Contains(m.subject, subject) {
				found = append(found, m)
			}
		}
		return len(found) >= n
	})
	match := linkToken.FindStringSubmatch(found[n-1].text)
	if match == nil {
		t.Fatalf("no link in %q", found[n-1].text)
	}
	tok, err := url.QueryUnescape(match[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// flowsConfig is testConfig with email through the loopback SMTP server.
func flowsConfig(backend, smtpPort string) Config {
	cfg := testConfig(backend)
	cfg.SMTPURL, cfg.MailFrom = Secret("smtp://127.0.0.1:"+smtpPort+"?tls=none"), "App <no-reply@app.test>"
	cfg.MailLinkBaseURL = "https://app.test"
	cfg.SignUpEnabled = true
	return cfg
}

func (b *browser) post(path string, body string) resp {
	b.t.Helper()
	hdr := map[string]string{} // no Origin: a non-browser client, as login's tests
	if b.csrf != "" {
		hdr["X-CSRF-Token"] = b.csrf
	}
	return b.do(http.MethodPost, path, body, hdr)
}

var flowUsers = append([]testUser{
	{ID: "u_mia", Email: "mia@test.dev", Name: "Mia", Role: "member", Active: true, Password: "mia-old-pass"},
}, demoUsers...)

// TestE2EPasswordResetOverSMTP: the whole reset through a real SMTP
// server on loopback: forgot-password answers 202, the secondary runner
// mails the link, the link sets the new password, the session signed in
// before is refused afterwards, the old password fails and the new one
// signs in; a "password changed" notice follows; the used link answers
// 400 invalid_token; an unknown email gets the same 202 and no email.
func TestE2EPasswordResetOverSMTP(t *testing.T) {
	srv, port := startFlakySMTP(t)
	fb := newFakeBackend(t, flowUsers...)
	g := startGateway(t, flowsConfig(fb.URL, port), Options{})
	before := newBrowser(t, g)
	if r := before.login("mia@test.dev", "mia-old-pass"); r.status != 200 {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	b := newBrowser(t, g)
	known := b.post("/api/auth/forgot-password", `{"email":"mia@test.dev"}`)
	unknown := b.post("/api/auth/forgot-password", `{"email":"nobody@test.dev"}`)
	if known.status != http.StatusAccepted || string(known.body) != string(unknown.body) {
		t.Fatalf("forgot: %d %s / %d %s", known.status, known.body, unknown.status, unknown.body)
	}
	tok := srv.awaitToken(t, "mia@test.dev", "Reset your password", 1)
	r := b.post("/api/auth/reset-password", `{"token":"`+tok+`","password":"violet-harbor-lantern-42"}`)
	if r.status != http.StatusOK || r.json(t)["revokedSessions"] != 1.0 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := before.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the session from before the reset: %d %s", r.status, r.body)
	}
	if r := newBrowser(t, g).login("mia@test.dev", "mia-old-pass"); r.status != http.StatusUnauthorized {
		t.Errorf("old password: %d", r.status)
	}
	if r := newBrowser(t, g).login("mia@test.dev", "violet-harbor-lantern-42"); r.status != http.StatusOK {
		t.Errorf("new password: %d %s", r.status, r.body)
	}
	srv.awaitNotice(t, "mia@test.dev", "changed")
	if r := b.post("/api/auth/reset-password", `{"token":"`+tok+`","password":"copper kettle rides north"}`); r.status != 400 || r.errCode(t) != "invalid_token" {
		t.Errorf("reused link: %d %s", r.status, r.body)
	}
	if n := len(srv.mailsTo(t, "nobody@test.dev")); n != 0 {
		t.Errorf("%d emails to an unknown address", n)
	}
}

// awaitNotice waits for a message to address whose subject contains
// subject (case-insensitive).
func (f *flakySMTP) awaitNotice(t *testing.T, address, subject string) {
	t.Helper()
	waitFor(t, "a notice to "+address, func() bool {
		for _, m := range f.mailsTo(t, address) {
			if strings.Contains(strings.ToLower(m.subject), subject) {
				return true
			}
		}
		return false
	})
}

// TestE2EFlowsAcrossReplicas: two replicas share one real Redis (tokens,
// sessions, limits, the task stream) and one SMTP server. A reset link
// asked for on one replica is used on the other, and ends the sessions of
// the user on both; a password change on one replica ends the user's
// other sessions on the other, while the changed session (its new cookie)
// is accepted by both.
func TestE2EFlowsAcrossReplicas(t *testing.T) {
	redisURL, _ := startRedis(t)
	srv, port := startFlakySMTP(t)
	fb := newFakeBackend(t, flowUsers...)
	cfg := flowsConfig(fb.URL, port)
	cfg.RedisURL = Secret(redisURL)
	g1 := startGateway(t, cfg, Options{})
	g2 := startGateway(t, cfg, Options{})
	on1, on2 := newBrowser(t, g1), newBrowser(t, g2)
	for _, b := range []*browser{on1, on2} {
		if r := b.login("mia@test.dev", "mia-old-pass"); r.status != 200 {
			t.Fatalf("login: %d %s", r.status, r.body)
		}
	}

	if r := newBrowser(t, g2).post("/api/auth/forgot-password", `{"email":"mia@test.dev"}`); r.status != http.StatusAccepted {
		t.Fatalf("forgot: %d %s", r.status, r.body)
	}
	tok := srv.awaitToken(t, "mia@test.dev", "Reset your password", 1)
	r := newBrowser(t, g1).post("/api/auth/reset-password", `{"token":"`+tok+`","password":"violet-harbor-lantern-42"}`)
	if r.status != http.StatusOK || r.json(t)["revokedSessions"] != 2.0 {
		t.Fatalf("reset on the other replica: %d %s", r.status, r.body)
	}
	for i, b := range []*browser{on1, on2} {
		if r := b.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusUnauthorized {
			t.Errorf("session %d after the reset: %d %s", i+1, r.status, r.body)
		}
	}
	if r := newBrowser(t, g2).post("/api/auth/reset-password", `{"token":"`+tok+`","password":"copper kettle rides north"}`); r.status != 400 || r.errCode(t) != "invalid_token" {
		t.Errorf("the link reused on the first replica: %d %s", r.status, r.body)
	}

	changer, other := newBrowser(t, g1), newBrowser(t, g2)
	for _, b := range []*browser{changer, other} {
		if r := b.login("mia@test.dev", "violet-harbor-lantern-42"); r.status != 200 {
			t.Fatalf("login with the new password: %d %s", r.status, r.body)
		}
	}
	r = changer.post("/api/auth/change-password", `{"currentPassword":"violet-harbor-lantern-42","newPassword":"copper kettle rides north"}`)
	if r.status != http.StatusOK || r.json(t)["signedOutSessions"] != 1.0 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := other.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the other replica's session after the change: %d %s", r.status, r.body)
	}
	moved := &browser{t: t, base: g2.URL(), c: changer.c} // the changed session's cookies (host-wide), on the other replica
	if r := moved.do(http.MethodGet, "/api/auth/session", "", nil); r.status != http.StatusOK {
		t.Errorf("the new session on the other replica: %d %s", r.status, r.body)
	}
	if r := newBrowser(t, g2).login("mia@test.dev", "copper kettle rides north"); r.status != http.StatusOK {
		t.Errorf("the changed password on the other replica: %d %s", r.status, r.body)
	}
}

// TestE2EFlowSettings: the settings reach the routes: sign-up is off by
// default, a flow limit setting is applied (429 with Retry-After), and
// without SMTP_URL the flows that mail answer 503 mail_not_configured.
func TestE2EFlowSettings(t *testing.T) {
	_, port := startFlakySMTP(t)
	fb := newFakeBackend(t, flowUsers...)
	cfg := flowsConfig(fb.URL, port)
	cfg.SignUpEnabled = false
	cfg.ForgotPasswordLimitEmail = RateLimit{N: 1, Per: time.Hour}
	g := startGateway(t, cfg, Options{})
	b := newBrowser(t, g)
	if r := b.post("/api/auth/sign-up", `{"email":"new@test.dev","password":"violet-harbor-lantern-42","name":"New"}`); r.status != 404 || r.errCode(t) != "not_enabled" {
		t.Errorf("sign-up off: %d %s", r.status, r.body)
	}
	b.post("/api/auth/forgot-password", `{"email":"nobody@test.dev"}`)
	r := b.post("/api/auth/forgot-password", `{"email":"nobody@test.dev"}`)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "3600" {
		t.Errorf("FORGOT_PASSWORD_LIMIT_EMAIL=1/1h: %d %v %s", r.status, r.header.Get("Retry-After"), r.body)
	}

	nomail := testConfig(fb.URL)
	g2 := startGateway(t, nomail, Options{})
	if r := newBrowser(t, g2).post("/api/auth/forgot-password", `{"email":"mia@test.dev"}`); r.status != 503 || r.errCode(t) != "mail_not_configured" {
		t.Errorf("without SMTP_URL: %d %s", r.status, r.body)
	}
}
