package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
	"github.com/convexgw/convexgw/mail"
	"github.com/convexgw/convexgw/routes"
)

// The passwords the flows set, and the hashes the flows cassette recorded
// for them (cmd/convexfake/scenarios_flows.go).
const (
	flowsPassword  = "violet-harbor-lantern-42"
	flowsHash      = "$2a$04$Tnl1/71AzWgGaDzJRfXlQeT/4fT6CSzVk0eDllJizmyIK7.aSHenO"
	flowsPassword2 = "copper kettle rides north"
	flowsHash2     = "$2a$04$W7.vhPhnOmty23pgRMjiS.Fr21ciXkOcPND8DNKDLq6wYbgzn0gNO"
)

// recordedHashes is the accounts contract with each new hash of
// flowsPassword and flowsPassword2 swapped for the recorded one: bcrypt
// salts every hash, so the gateway's own could never match a recording.
// Everything else (which calls, which args, in which order) is the
// gateway's.
type recordedHashes struct {
	*accounts.Convex
}

func (r recordedHashes) swap(h string) string {
	for pw, rec := range map[string]string{flowsPassword: flowsHash, flowsPassword2: flowsHash2} {
		if bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) == nil {
			return rec
		}
	}
	return h
}

func (r recordedHashes) CreateUser(ctx context.Context, u accounts.NewUser) (string, error) {
	if u.PasswordHash != "" {
		u.PasswordHash = r.swap(u.PasswordHash)
	}
	return r.Convex.CreateUser(ctx, u)
}

func (r recordedHashes) SetPasswordHash(ctx context.Context, id, hash string) error {
	return r.Convex.SetPasswordHash(ctx, id, r.swap(hash))
}

// inlineRunner runs the flows' tasks as they are queued (in order, so the
// backend sees the calls in the scenario's order) and drops the login
// record (not part of the scenario).
type inlineRunner struct {
	t     testing.TB
	tasks map[string]func(context.Context, json.RawMessage) error
}

func (r *inlineRunner) Enqueue(ctx context.Context, kind string, args any) bool {
	if kind == routes.TaskRecordLogin {
		return true
	}
	raw, _ := json.Marshal(args)
	if err := r.tasks[kind](context.WithoutCancel(ctx), raw); err != nil {
		r.t.Errorf("task %s: %v", kind, err)
	}
	return true
}

// flowsEnv is the gateway's routes with every account flow on, in front
// of a deployment at url (the flows cassette replayed strictly, or the dev
// backend), with emails captured in a mailbox and a settable clock.
type flowsEnv struct {
	t       *testing.T
	srv     *httptest.Server
	mailbox *mail.Mailbox
	mu      sync.Mutex
	now     time.Time
}

func (env *flowsEnv) clock() time.Time { env.mu.Lock(); defer env.mu.Unlock(); return env.now }

func (env *flowsEnv) advance(d time.Duration) {
	env.mu.Lock()
	env.now = env.now.Add(d)
	env.mu.Unlock()
}

func newFlowsEnv(t *testing.T, url string, recorded bool) *flowsEnv {
	t.Helper()
	env := &flowsEnv{t: t, now: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	client, err := convexclient.New(convexclient.Config{URL: url, DeployKey: testDeployKey})
	if err != nil {
		t.Fatal(err)
	}
	contract := accounts.NewConvex(client, accounts.DefaultFunctions(), nil)
	var acc accounts.Accounts = contract
	if recorded {
		acc = recordedHashes{contract}
	}
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{Now: env.clock})
	lim, err := auth.NewLimiter(store, mergePolicies(routes.DefaultFlowPolicies(), map[string]auth.Policy{
		routes.PolicyLogin: {Rate: 10, Burst: 50}, routes.PolicyLoginAccount: {Rate: 10, Burst: 50}, routes.PolicyAPI: {Rate: 100, Burst: 100},
	}), env.clock)
	if err != nil {
		t.Fatal(err)
	}
	lockout := auth.NewLockout(store, auth.LockoutConfig{Now: env.clock})
	guard, _ := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim, Lockout: lockout})
	changeGuard, _ := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim, Lockout: lockout,
		IPPolicy: routes.PolicyChangePasswordIP, AccountPolicy: routes.PolicyChangePasswordAccount})
	tokens, _ := auth.NewAccountTokens(auth.AccountTokenConfig{Store: store, Now: env.clock})
	sess, err := auth.NewSessions(auth.SessionConfig{Keys: []auth.SessionKey{{ID: "k1", Secret: bytes.Repeat([]byte("s"), 32)}},
		Store: store, Issuer: testPublicURL, Audience: "convexgw", Now: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	csrf, _ := auth.NewCSRF(bytes.Repeat([]byte("c"), 32))
	links, _ := mail.NewLinks("https://app.demo.test")
	tpl, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	env.mailbox = mail.NewMailbox(mail.MailboxConfig{Now: env.clock})
	outbox, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: env.mailbox, From: "no-reply@demo.test",
		Site: links.Site(), Now: env.clock})
	if err != nil {
		t.Fatal(err)
	}
	runner := &inlineRunner{t: t}
	api := routes.NewAPI(routes.Deps{Convex: client, Accounts: acc, IdentityMode: routes.IdentityAdmin, PublicURL: testPublicURL,
		Passwords: auth.NewPasswords(auth.PasswordConfig{Cost: 4}), Sessions: sess, CSRF: csrf,
		Origins: auth.NewOriginPolicy([]string{testPublicURL}), LoginGuard: guard, Limiter: lim, Secondary: runner, Now: env.clock,
		Flows: routes.AccountFlows{Tokens: tokens, Mailer: outbox, Links: links, SignUp: true, RequireEmailVerification: true,
			PasswordGuard: changeGuard, Lockout: lockout}})
	runner.tasks = api.Tasks()
	env.srv = httptest.NewServer(api.Handler(New().Routes))
	t.Cleanup(env.srv.Close)
	return env
}

func mergePolicies(ms ...map[string]auth.Policy) map[string]auth.Policy {
	out := map[string]auth.Policy{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// flowsClient is one browser: cookies and the CSRF token.
type flowsClient struct {
	env     *flowsEnv
	cookies map[string]*http.Cookie
	csrf    string
}

func (env *flowsEnv) client() *flowsClient {
	return &flowsClient{env: env, cookies: map[string]*http.Cookie{}}
}

// post sends a JSON body from the app's origin and returns the status and
// the decoded body.
func (c *flowsClient) post(path string, body any) (int, map[string]any) {
	t := c.env.t
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, c.env.srv.URL+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", testPublicURL)
	if c.csrf != "" {
		req.Header.Set(routes.HeaderCSRF, c.csrf)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		c.cookies[ck.Name] = ck
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %d %q", path, res.StatusCode, raw)
	}
	if csrf, ok := out["csrfToken"].(string); ok {
		c.csrf = csrf
	}
	return res.StatusCode, out
}

// want checks an answer's status and, for an error, its code.
func want(t *testing.T, label string, status int, body map[string]any, wantStatus int, wantCode string) {
	t.Helper()
	code := ""
	if e, ok := body["error"].(map[string]any); ok {
		code, _ = e["code"].(string)
	}
	if status != wantStatus || code != wantCode {
		t.Fatalf("%s: %d %v, want %d %q", label, status, body, wantStatus, wantCode)
	}
}

// sameAnswer fails unless two 202 answers are equal.
func sameAnswer(t *testing.T, label string, a, b map[string]any) {
	t.Helper()
	if ja, jb := mustJSON(a), mustJSON(b); ja != jb {
		t.Fatalf("%s: answers differ: %s vs %s", label, ja, jb)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// token returns the token of the newest email to address, of template tpl.
func (env *flowsEnv) token(address string, tpl mail.Template) string {
	env.t.Helper()
	m, ok := env.mailbox.Latest(address)
	if !ok || m.Template != tpl || len(m.Links) == 0 {
		env.t.Fatalf("newest email to %s: %+v, want %s with a link", address, m, tpl)
	}
	u, _ := url.Parse(m.Links[0])
	return u.Query().Get("token")
}

// flowsScript drives every account flow through the routes, in the order
// of the flows cassette (cmd/convexfake/scenarios_flows.go): forgot
// password (known and unknown email: one answer), an expired link, a
// weak password (before and after the token is consumed: the link still
// works), the reset (sessions ended), a reused link, logins with the new
// and the old password, a password change (wrong current password, then
// done, the other session ended), sign-ups (new and known email: one
// answer; a login refused until the address is verified), the
// verification, invitations (a member refused by Convex, an unknown role,
// sent by an admin), the acceptance, re-sends (one answer), and a rate
// limit. With sessionBefore the member signs in before the reset, and that
// session is refused afterwards.
func flowsScript(t *testing.T, env *flowsEnv, sessionBefore bool) {
	const member = "member@demo.test"
	anon := env.client()

	// Forgot password: the same answer for a known and an unknown email.
	st, known := anon.post("/api/auth/forgot-password", map[string]string{"email": member})
	want(t, "forgot (member)", st, known, 202, "")
	_, unknown := anon.post("/api/auth/forgot-password", map[string]string{"email": "nobody@demo.test"})
	sameAnswer(t, "forgot", known, unknown)
	expiring := env.token(member, mail.ResetPassword)
	env.advance(31 * time.Minute)
	anon.post("/api/auth/forgot-password", map[string]string{"email": member})
	tok := env.token(member, mail.ResetPassword)
	env.advance(30 * time.Minute)

	var before *flowsClient
	if sessionBefore { // not in the recorded scenario: the dev backend only
		before = env.client()
		st, body := before.post("/api/auth/login", map[string]string{"email": member, "password": "demo-member-pass"})
		want(t, "login before the reset", st, body, 200, "")
	}

	st, body := anon.post("/api/auth/reset-password", map[string]string{"token": expiring, "password": flowsPassword})
	want(t, "expired link", st, body, 400, routes.CodeInvalidToken)
	st, body = anon.post("/api/auth/reset-password", map[string]string{"token": tok, "password": "password1"})
	want(t, "weak password", st, body, 400, routes.CodeInvalidRequest)
	st, body = anon.post("/api/auth/reset-password", map[string]string{"token": tok, "password": "member-lantern-harbor"})
	want(t, "personal password", st, body, 400, routes.CodeInvalidRequest)
	st, body = anon.post("/api/auth/reset-password", map[string]string{"token": tok, "password": flowsPassword})
	want(t, "reset", st, body, 200, "")
	st, body = anon.post("/api/auth/reset-password", map[string]string{"token": tok, "password": flowsPassword2})
	want(t, "reused link", st, body, 400, routes.CodeInvalidToken)
	if m, _ := env.mailbox.Latest(member); m.Template != mail.PasswordChanged {
		t.Errorf("no password-changed notice: %+v", m)
	}
	if before != nil {
		st, body := before.post("/api/auth/logout", nil)
		want(t, "the session from before the reset", st, body, 401, routes.CodeUnauthenticated)
	}

	// Sign in with the new password, not the old one.
	browser := env.client()
	st, body = browser.post("/api/auth/login", map[string]string{"email": member, "password": flowsPassword})
	want(t, "login with the new password", st, body, 200, "")
	st, body = env.client().post("/api/auth/login", map[string]string{"email": member, "password": "demo-member-pass"})
	want(t, "login with the old password", st, body, 401, routes.CodeInvalidCredentials)

	// Change password.
	st, body = browser.post("/api/auth/change-password", map[string]string{"currentPassword": "wrong-current-one", "newPassword": flowsPassword2})
	want(t, "wrong current password", st, body, 400, routes.CodeInvalidCredentials)
	st, body = browser.post("/api/auth/change-password", map[string]string{"currentPassword": flowsPassword, "newPassword": flowsPassword2})
	want(t, "change", st, body, 200, "")
	st, body = browser.post("/api/auth/login", map[string]string{"email": member, "password": flowsPassword2})
	want(t, "login with the changed password", st, body, 200, "")

	// Sign-up: the same answer for a new and a known email.
	st, fresh := anon.post("/api/auth/sign-up", map[string]string{"email": "newbie@demo.test", "password": flowsPassword, "name": "Newbie Nguyen"})
	want(t, "sign-up", st, fresh, 202, "")
	_, taken := anon.post("/api/auth/sign-up", map[string]string{"email": member, "password": flowsPassword, "name": "Someone Else"})
	sameAnswer(t, "sign-up", fresh, taken)
	if m, _ := env.mailbox.Latest(member); m.Template != mail.AccountExists || strings.Contains(m.Text, "Someone Else") {
		t.Errorf("known address: %+v", m)
	}
	st, body = env.client().post("/api/auth/login", map[string]string{"email": "newbie@demo.test", "password": flowsPassword})
	want(t, "login before verifying", st, body, 403, routes.CodeEmailUnverified)
	st, body = anon.post("/api/auth/verify-email", map[string]string{"token": env.token("newbie@demo.test", mail.VerifyEmail)})
	want(t, "verify", st, body, 200, "")
	st, body = env.client().post("/api/auth/login", map[string]string{"email": "newbie@demo.test", "password": flowsPassword})
	want(t, "login after verifying", st, body, 200, "")

	// Invitations: Convex decides who may invite.
	admin := env.client()
	st, body = admin.post("/api/auth/login", map[string]string{"email": "admin@demo.test", "password": "demo-admin-pass"})
	want(t, "admin login", st, body, 200, "")
	inv := map[string]string{"email": "invitee@demo.test", "name": "Ivy Invitee", "role": "manager"}
	st, body = browser.post("/api/admin/invitations", inv)
	want(t, "invitation by a member", st, body, 403, "forbidden")
	st, body = admin.post("/api/admin/invitations", map[string]string{"email": "invitee@demo.test", "name": "Ivy Invitee", "role": "owner"})
	want(t, "unknown role", st, body, 422, "invalid")
	st, body = admin.post("/api/admin/invitations", inv)
	want(t, "invitation", st, body, 201, "")
	st, body = anon.post("/api/auth/accept-invitation", map[string]string{"token": env.token("invitee@demo.test", mail.Invitation), "password": flowsPassword})
	want(t, "accept", st, body, 200, "")
	st, body = env.client().post("/api/auth/login", map[string]string{"email": "invitee@demo.test", "password": flowsPassword})
	want(t, "invitee login", st, body, 200, "")
	if u, _ := body["user"].(map[string]any); u["role"] != "manager" {
		t.Errorf("invitee %v", body)
	}

	// Verification re-sends: the same answer, no email.
	n := len(env.mailbox.Messages())
	_, a := anon.post("/api/auth/verify-email/resend", map[string]string{"email": "nobody@demo.test"})
	_, b := anon.post("/api/auth/verify-email/resend", map[string]string{"email": member})
	sameAnswer(t, "resend", a, b)
	if len(env.mailbox.Messages()) != n {
		t.Error("a re-send mailed a verified or unknown address")
	}

	// A rate limit: links with made-up tokens, until the per-IP limit.
	for i := range 20 {
		st, body = anon.post("/api/auth/reset-password", map[string]string{"token": "made.up", "password": flowsPassword})
		if st == http.StatusTooManyRequests {
			want(t, "limited", st, body, 429, routes.CodeRateLimited)
			return
		}
		want(t, "made-up token", st, body, 400, routes.CodeInvalidToken)
		if i == 19 {
			t.Fatal("no rate limit")
		}
	}
}

// TestFlowsReplay runs the flows against the recordings of the TypeScript
// functions (testdata/cassettes/flows.json), strictly: every call the
// gateway makes must be one the scenario recorded, in the recorded order
// for identical calls, and every recording is used.
func TestFlowsReplay(t *testing.T) {
	c, err := convextest.LoadCassette(filepath.Join("testdata", "cassettes", "flows.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := convextest.NewReplayServerWith(t, convextest.ReplayOptions{AdminKey: testDeployKey}, c)
	flowsScript(t, newFlowsEnv(t, srv.URL, true), false)
	if unused := srv.Unused(); len(unused) != 0 {
		t.Errorf("recordings not replayed: %v", unused)
	}
}

// TestFlowsDevBackend runs the same flows against the dev backend (the Go
// emulation of the TypeScript functions), with a session signed in before
// the reset that the reset ends.
func TestFlowsDevBackend(t *testing.T) {
	srv := convextest.NewServer(devbackend.New(devbackend.Options{}).Deployment(convextest.Options{AdminKey: testDeployKey}))
	t.Cleanup(srv.Close)
	flowsScript(t, newFlowsEnv(t, srv.URL, false), true)
}
