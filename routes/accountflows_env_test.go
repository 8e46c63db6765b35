package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/mail"
)

// flowUsers is the users table of a flowEnv's deployment: a hand-written
// emulation of the accounts contract's functions (createUser with its
// EMAIL_TAKEN, markEmailVerified, updatePasswordHash, the lookups) and of
// users:authorizeInvitation (admins only, three roles).
type flowUsers struct {
	mu   sync.Mutex
	docs []map[string]any
	next int
}

func (u *flowUsers) byEmail(email string) map[string]any {
	for _, d := range u.docs {
		if d["email"] == email {
			return d
		}
	}
	return nil
}

func (u *flowUsers) byID(id string) map[string]any {
	for _, d := range u.docs {
		if d["_id"] == id {
			return d
		}
	}
	return nil
}

// add inserts a user with a password hashed at the minimum cost.
func (u *flowUsers) add(id, email, name, role, password string, fields map[string]any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	d := map[string]any{"_id": id, "_creationTime": 1.0, "email": email, "name": name, "role": role, "isActive": true}
	if password != "" {
		h, _ := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		d["passwordHash"] = string(h)
	}
	for k, v := range fields {
		d[k] = v
	}
	u.docs = append(u.docs, d)
}

// get returns a copy of the user with the email.
func (u *flowUsers) get(email string) map[string]any {
	u.mu.Lock()
	defer u.mu.Unlock()
	d := u.byEmail(email)
	if d == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range d {
		out[k] = v
	}
	return out
}

func (u *flowUsers) deployment(opts convextest.Options) *convextest.Deployment {
	d := convextest.NewDeployment(opts)
	bind := func(c *convextest.Call) map[string]any {
		var a map[string]any
		_ = c.Bind(&a)
		return a
	}
	nullable := func(d map[string]any) any {
		if d == nil {
			return nil
		}
		return d
	}
	d.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		u.mu.Lock()
		defer u.mu.Unlock()
		return nullable(u.byEmail(fmt.Sprint(a["email"]))), nil
	}, convextest.Internal())
	d.Query("auth:getUserById", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		u.mu.Lock()
		defer u.mu.Unlock()
		return nullable(u.byID(fmt.Sprint(a["userId"]))), nil
	}, convextest.Internal())
	d.Mutation("auth:createUser", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		u.mu.Lock()
		defer u.mu.Unlock()
		if u.byEmail(fmt.Sprint(a["email"])) != nil {
			return nil, convextest.ConvexError(map[string]any{"code": "EMAIL_TAKEN"})
		}
		u.next++
		doc := map[string]any{"_id": fmt.Sprintf("u_new%d", u.next), "_creationTime": 2.0, "email": a["email"],
			"name": strings.TrimSpace(fmt.Sprint(a["name"])), "role": "member", "isActive": true, "emailVerified": a["emailVerified"]}
		if r, ok := a["role"]; ok {
			doc["role"] = r
		}
		if h, ok := a["passwordHash"]; ok {
			doc["passwordHash"] = h
		}
		u.docs = append(u.docs, doc)
		return doc["_id"], nil
	}, convextest.Internal())
	d.Mutation("auth:markEmailVerified", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		u.mu.Lock()
		defer u.mu.Unlock()
		doc := u.byID(fmt.Sprint(a["userId"]))
		if doc == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
		}
		doc["emailVerified"] = true
		return nil, nil
	}, convextest.Internal())
	d.Mutation("auth:updatePasswordHash", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		u.mu.Lock()
		defer u.mu.Unlock()
		doc := u.byID(fmt.Sprint(a["userId"]))
		if doc == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
		}
		doc["passwordHash"] = a["passwordHash"]
		return nil, nil
	}, convextest.Internal())
	d.Mutation("auth:updateLastLogin", func(context.Context, *convextest.Call) (any, error) { return nil, nil }, convextest.Internal())
	d.Query("users:authorizeInvitation", func(_ context.Context, c *convextest.Call) (any, error) {
		a := bind(c)
		if c.Identity == nil {
			return nil, convextest.ConvexError(map[string]any{"code": "UNAUTHENTICATED"})
		}
		u.mu.Lock()
		caller := u.byID(c.Identity.Subject)
		u.mu.Unlock()
		if caller == nil || caller["role"] != "admin" {
			return nil, convextest.ConvexError(map[string]any{"code": "FORBIDDEN"})
		}
		switch a["role"] {
		case "admin", "manager", "member":
			return nil, nil
		}
		return nil, convextest.ConvexError(map[string]any{"code": "INVALID", "field": "role", "message": "role must be one of admin, manager, member"})
	})
	return d
}

// manualRunner is a Secondary that holds the queued tasks until the test
// runs them, so a test sees what a request did before any task ran.
type manualRunner struct {
	mu    sync.Mutex
	tasks []heldTask
}

type heldTask struct {
	kind string
	args json.RawMessage
}

func (r *manualRunner) Enqueue(_ context.Context, kind string, args any) bool {
	raw, err := json.Marshal(args)
	if err != nil {
		return false
	}
	r.mu.Lock()
	r.tasks = append(r.tasks, heldTask{kind, raw})
	r.mu.Unlock()
	return true
}

// queued returns the kinds held.
func (r *manualRunner) queued() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, t := range r.tasks {
		out = append(out, t.kind)
	}
	return out
}

// flowEnv is the routes with every account flow switched on, in front of a
// hand-written deployment (flowUsers) over loopback HTTP, with a settable
// clock, real account tokens and limits over a memory store, and real
// emails (mail.Outbox rendering the embedded templates) captured in a
// mail.Mailbox. Tasks wait in a manualRunner until runTasks.
type flowEnv struct {
	t       testing.TB
	srv     *httptest.Server
	api     *API
	users   *flowUsers
	dep     *convextest.Deployment
	store   auth.Store
	mailbox *mail.Mailbox
	runner  *manualRunner

	mu  sync.Mutex
	now time.Time
}

// flowOpts adjust a flowEnv before it is built.
type flowOpts struct {
	policies  map[string]auth.Policy // overrides of DefaultFlowPolicies and the login ones
	flows     func(*AccountFlows)
	noMailer  bool
	noRunner  bool
	lockoutMx int
}

const flowOrigin = "http://gw.test"

func newFlowEnv(t testing.TB, o flowOpts) *flowEnv {
	t.Helper()
	env := &flowEnv{t: t, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), users: &flowUsers{}, runner: &manualRunner{}}
	clock := env.clock
	env.users.add("u_admin", "admin@test.dev", "Ada Admin", "admin", "admin-pass-9f3k", nil)
	env.users.add("u_ann", "ann@test.dev", "Ann", "member", "right-pass-7h2q", nil)
	env.users.add("u_gone", "gone@test.dev", "Gone", "member", "gone-pass-8k1z", map[string]any{"isActive": false})
	env.dep = env.users.deployment(convextest.Options{AdminKey: "test:key"})
	backend := convextest.NewServer(env.dep)
	t.Cleanup(backend.Close)
	client, err := convexclient.New(convexclient.Config{URL: backend.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	env.store = auth.NewMemoryStore(auth.MemoryStoreConfig{Now: clock})
	policies := DefaultFlowPolicies()
	for k, v := range map[string]auth.Policy{PolicyLogin: {Rate: 100, Burst: 100}, PolicyLoginAccount: {Rate: 100, Burst: 100},
		PolicyAPI: {Rate: 100, Burst: 100}} {
		policies[k] = v
	}
	for k, v := range o.policies {
		policies[k] = v
	}
	lim, err := auth.NewLimiter(env.store, policies, clock)
	if err != nil {
		t.Fatal(err)
	}
	if o.lockoutMx == 0 {
		o.lockoutMx = 5
	}
	lockout := auth.NewLockout(env.store, auth.LockoutConfig{MaxFailures: o.lockoutMx, Now: clock})
	guard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim, Lockout: lockout})
	if err != nil {
		t.Fatal(err)
	}
	changeGuard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: lim, Lockout: lockout,
		IPPolicy: PolicyChangePasswordIP, AccountPolicy: PolicyChangePasswordAccount})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewAccountTokens(auth.AccountTokenConfig{Store: env.store, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	links, err := mail.NewLinks("https://app.test")
	if err != nil {
		t.Fatal(err)
	}
	flows := AccountFlows{Tokens: tokens, Links: links, SignUp: true, RequireEmailVerification: true,
		PasswordGuard: changeGuard, Lockout: lockout}
	if !o.noMailer {
		tpl, err := mail.LoadTemplates("")
		if err != nil {
			t.Fatal(err)
		}
		env.mailbox = mail.NewMailbox(mail.MailboxConfig{Now: clock})
		outbox, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: env.mailbox, From: "App <no-reply@app.test>",
			Site: links.Site(), Now: clock}) // no Runner: delivered inside Send, i.e. inside the task
		if err != nil {
			t.Fatal(err)
		}
		flows.Mailer = outbox
	}
	if o.flows != nil {
		o.flows(&flows)
	}
	d := testDeps(t)
	d.Sessions, err = auth.NewSessions(auth.SessionConfig{
		Keys:   []auth.SessionKey{{ID: "k", Secret: []byte(strings.Repeat("k", 32))}},
		Issuer: flowOrigin, Audience: "test", Store: env.store, Lifetime: time.Hour,
		UpdateAge: 10 * time.Minute, MaxAge: 24 * time.Hour, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Convex, d.Now, d.Limiter, d.LoginGuard, d.Flows = client, clock, lim, guard, flows
	d.Accounts = accounts.NewConvex(client, accounts.DefaultFunctions(), nil)
	if !o.noRunner {
		d.Secondary = env.runner
	}
	env.api = NewAPI(d)
	env.srv = httptest.NewServer(env.api.Handler())
	t.Cleanup(env.srv.Close)
	return env
}

func (env *flowEnv) clock() time.Time { env.mu.Lock(); defer env.mu.Unlock(); return env.now }

func (env *flowEnv) advance(d time.Duration) {
	env.mu.Lock()
	env.now = env.now.Add(d)
	env.mu.Unlock()
}

// runTasks runs the held tasks (and any they queue) as the gateway's
// runner would, failing the test on an error.
func (env *flowEnv) runTasks() {
	env.t.Helper()
	tasks := env.api.Tasks()
	for {
		env.runner.mu.Lock()
		held := env.runner.tasks
		env.runner.tasks = nil
		env.runner.mu.Unlock()
		if len(held) == 0 {
			return
		}
		for _, h := range held {
			if err := tasks[h.kind](context.Background(), h.args); err != nil {
				env.t.Fatalf("task %s: %v", h.kind, err)
			}
		}
	}
}

// mails returns the emails to address, oldest first.
func (env *flowEnv) mails(to string) []mail.Captured {
	var out []mail.Captured
	for _, m := range env.mailbox.Messages() {
		if m.To == to {
			out = append([]mail.Captured{m}, out...) // Messages is newest first
		}
	}
	return out
}

// latestToken returns the token of the newest email to address, which
// must be of template tpl.
func (env *flowEnv) latestToken(to string, tpl mail.Template) string {
	env.t.Helper()
	m, ok := env.mailbox.Latest(to)
	if !ok || m.Template != tpl || len(m.Links) == 0 {
		env.t.Fatalf("latest email to %s: %+v (want %s with a link)", to, m, tpl)
	}
	u, err := url.Parse(m.Links[0])
	if err != nil {
		env.t.Fatal(err)
	}
	return u.Query().Get("token")
}

// checkDeployKey fails for a call of an internal function made with a
// credential other than the bare deploy key (acting as the signed-in
// caller): the accounts contract runs with the deploy key alone.
func (env *flowEnv) checkDeployKey(t testing.TB) {
	t.Helper()
	for _, c := range env.dep.Calls() {
		if c.Path != "users:authorizeInvitation" && c.Auth != convextest.AuthAdmin {
			t.Errorf("%s called with %v, want the deploy key alone", c.Path, c.Auth)
		}
	}
}

// calls returns how many calls the deployment has answered.
func (env *flowEnv) calls() int { return len(env.dep.Calls()) }

// browser is one client of a flowEnv: its cookies and CSRF token.
type flowBrowser struct {
	env     *flowEnv
	cookies []*http.Cookie
	csrf    string
}

func (env *flowEnv) browser() *flowBrowser { return &flowBrowser{env: env} }

// flowResp is a response read whole.
type flowResp struct {
	status int
	header http.Header
	body   string
}

func (r flowResp) decode(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// errCode returns the error code and the fields of an error answer.
func (r flowResp) errCode(t testing.TB) (string, map[string]any) {
	t.Helper()
	e, _ := r.decode(t)["error"].(map[string]any)
	code, _ := e["code"].(string)
	fields, _ := e["fields"].(map[string]any)
	return code, fields
}

// wantErr fails unless r is the error status and code (and names field,
// when given).
func (r flowResp) wantErr(t testing.TB, status int, code, field string) {
	t.Helper()
	got, fields := r.errCode(t)
	if r.status != status || got != code {
		t.Fatalf("got %d %s, want %d %s", r.status, r.body, status, code)
	}
	if field != "" {
		if _, ok := fields[field]; !ok {
			t.Fatalf("error %s does not name field %s", r.body, field)
		}
	}
}

// do sends a request from the app's own origin (as its pages do) with the
// browser's cookies and CSRF token, and keeps the cookies it gets.
func (b *flowBrowser) do(method, path string, body any, hdr ...string) flowResp {
	t := b.env.t
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(data))
	}
	req, err := http.NewRequest(method, b.env.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Origin", flowOrigin)
	for _, ck := range b.cookies {
		req.AddCookie(ck)
	}
	if b.csrf != "" {
		req.Header.Set(HeaderCSRF, b.csrf)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		b.setCookie(ck)
	}
	return flowResp{status: res.StatusCode, header: res.Header, body: string(data)}
}

func (b *flowBrowser) setCookie(ck *http.Cookie) {
	for i, old := range b.cookies {
		if old.Name == ck.Name {
			b.cookies = append(b.cookies[:i], b.cookies[i+1:]...)
			break
		}
	}
	if ck.MaxAge >= 0 && ck.Value != "" {
		b.cookies = append(b.cookies, ck)
	}
}

// login signs in and keeps the CSRF token; it returns the response.
func (b *flowBrowser) login(email, password string) flowResp {
	b.env.t.Helper()
	r := b.do(http.MethodPost, "/api/auth/login", map[string]string{"email": email, "password": password})
	if r.status == http.StatusOK {
		b.csrf, _ = r.decode(b.env.t)["csrfToken"].(string)
	}
	return r
}

// mustLogin signs in or fails the test.
func (b *flowBrowser) mustLogin(email, password string) *flowBrowser {
	b.env.t.Helper()
	if r := b.login(email, password); r.status != http.StatusOK {
		b.env.t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	return b
}

// signedIn reports whether the browser's session is accepted.
func (b *flowBrowser) signedIn() bool {
	b.env.t.Helper()
	r := b.do(http.MethodGet, "/api/auth/session", nil)
	switch r.status {
	case http.StatusOK:
		return true
	case http.StatusUnauthorized:
		return false
	}
	b.env.t.Fatalf("session: %d %s", r.status, r.body)
	return false
}

// stripRequestID removes the request id from an error body, so two
// answers can be compared.
func stripRequestID(body string) string {
	if i := strings.Index(body, `"requestId"`); i >= 0 {
		return body[:i]
	}
	return body
}
