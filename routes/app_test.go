package routes

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// A small app for the generic layer's tests: a notes table served by
// NewResource (paginated list with a status filter, get, create, update,
// remove), a whole-list feed, and a custom route using Bind.

type note struct {
	ID           string  `json:"_id"`
	CreationTime float64 `json:"_creationTime"`
	Title        string  `json:"title"`
	Status       string  `json:"status"`
	Pinned       *bool   `json:"pinned,omitempty"`
}

type notePage struct {
	Page           []note `json:"page"`
	IsDone         bool   `json:"isDone"`
	ContinueCursor string `json:"continueCursor"`
}

type noteListArgs struct {
	PaginationOpts struct {
		NumItems float64 `json:"numItems"`
		Cursor   *string `json:"cursor"`
	} `json:"paginationOpts"`
	// Optional with an enum type, as convexgen generates an optional
	// v.union of string literals; Pinned is the hand-written pointer form.
	Status convexclient.Optional[noteStatus] `json:"status,omitzero"`
	Pinned *bool                             `json:"pinned,omitempty"`
}

// noteStatus is an enum type with its values, as convexgen generates them.
type noteStatus string

func (noteStatus) Values() []string { return []string{"draft", "done"} }

type noteID struct {
	ID string `json:"id"`
}

type noteCreate struct {
	Title  string                            `json:"title"`
	Status convexclient.Optional[noteStatus] `json:"status,omitzero"`
}

func (n *noteCreate) Validate(errs FieldErrors) {
	if strings.TrimSpace(n.Title) == "" {
		errs.Add("title", "title must not be empty")
	}
}

type notePatch struct {
	ID    string  `json:"id"`
	Title *string `json:"title,omitempty"`
}

type feedArgs struct {
	Min *float64 `json:"min,omitempty"`
}

// notesBackend is the fake deployment of the notes app.
type notesBackend struct {
	mu    sync.Mutex
	notes []note // oldest first
	next  int
}

func (b *notesBackend) deployment(opts convextest.Options) *convextest.Deployment {
	d := convextest.NewDeployment(opts)
	authed := func(c *convextest.Call) error {
		if c.Identity == nil {
			return convextest.ConvexError(map[string]any{"code": "UNAUTHENTICATED"})
		}
		return nil
	}
	d.Query("notes:list", func(_ context.Context, c *convextest.Call) (any, error) {
		var args noteListArgs
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if err := authed(c); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		var all []note
		for i := len(b.notes) - 1; i >= 0; i-- {
			n := b.notes[i]
			if (!args.Status.Set || string(args.Status.Value) == n.Status) && (args.Pinned == nil || (n.Pinned != nil && *n.Pinned == *args.Pinned)) {
				all = append(all, n)
			}
		}
		start := 0
		if args.PaginationOpts.Cursor != nil {
			start, _ = strconv.Atoi(*args.PaginationOpts.Cursor)
		}
		end := min(start+int(args.PaginationOpts.NumItems), len(all))
		return notePage{Page: all[start:end], IsDone: end == len(all), ContinueCursor: strconv.Itoa(end)}, nil
	})
	d.Query("notes:get", func(_ context.Context, c *convextest.Call) (any, error) {
		var args noteID
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, n := range b.notes {
			if n.ID == args.ID {
				return n, nil
			}
		}
		return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
	})
	d.Mutation("notes:create", func(_ context.Context, c *convextest.Call) (any, error) {
		var args noteCreate
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if err := authed(c); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.next++
		n := note{ID: fmt.Sprintf("note%04d", b.next), CreationTime: float64(b.next), Title: args.Title, Status: "draft"}
		if s, ok := args.Status.Get(); ok {
			n.Status = string(s)
		}
		b.notes = append(b.notes, n)
		return n.ID, nil
	})
	d.Mutation("notes:update", func(_ context.Context, c *convextest.Call) (any, error) {
		var args notePatch
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		for i := range b.notes {
			if b.notes[i].ID == args.ID {
				if args.Title != nil {
					b.notes[i].Title = *args.Title
				}
				return nil, nil
			}
		}
		return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
	})
	d.Mutation("notes:remove", func(_ context.Context, c *convextest.Call) (any, error) {
		var args noteID
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.notes = slices.DeleteFunc(b.notes, func(n note) bool { return n.ID == args.ID })
		return nil, nil
	})
	d.Query("feed:list", func(_ context.Context, c *convextest.Call) (any, error) {
		var args feedArgs
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		var out []note
		for i := len(b.notes) - 1; i >= 0; i-- {
			if args.Min == nil || b.notes[i].CreationTime >= *args.Min {
				out = append(out, b.notes[i])
			}
		}
		return out, nil
	})
	hash, _ := bcrypt.GenerateFromPassword([]byte("right-password"), bcrypt.MinCost)
	d.Query("auth:getUserByEmail", func(_ context.Context, c *convextest.Call) (any, error) {
		var args struct {
			Email string `json:"email"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		switch args.Email {
		case "ann@test.dev": // the contract's minimum: no name, role or isActive
			return map[string]any{"_id": "u_ann", "email": args.Email, "passwordHash": string(hash)}, nil
		case "off@test.dev":
			return map[string]any{"_id": "u_off", "email": args.Email, "passwordHash": string(hash), "isActive": false}, nil
		}
		return nil, nil
	}, convextest.Internal())
	return d
}

// notesApp is the app: bindings and a route table.
type notesApp struct {
	reg                                *convexclient.Registry
	list                               convexclient.Query[noteListArgs, notePage]
	get                                convexclient.Query[noteID, note]
	create                             convexclient.Mutation[noteCreate, string]
	update                             convexclient.Mutation[notePatch, any]
	remove                             convexclient.Mutation[noteID, any]
	feed                               convexclient.Query[feedArgs, []note]
	echoBody                           func(echo.Context) error
	limitMW, sessionMW, loadMW, csrfMW echo.MiddlewareFunc
}

func newNotesApp() *notesApp {
	r := convexclient.NewRegistry()
	return &notesApp{reg: r,
		list:   convexclient.NewQuery[noteListArgs, notePage](r, "notes:list", convexclient.Exposed()),
		get:    convexclient.NewQuery[noteID, note](r, "notes:get"),
		create: convexclient.NewMutation[noteCreate, string](r, "notes:create"),
		update: convexclient.NewMutation[notePatch, any](r, "notes:update"),
		remove: convexclient.NewMutation[noteID, any](r, "notes:remove"),
		feed:   convexclient.NewQuery[feedArgs, []note](r, "feed:list"),
	}
}

func (app *notesApp) routes(r *Router) {
	limit, session := r.RateLimit(), r.RequireSession()
	MustResource(ResourceFunctions{List: app.list, Get: app.get, Create: app.create, Update: app.update,
		Remove: app.remove}).Mount(r, "/api/notes", limit, session)
	MustResource(ResourceFunctions{List: app.feed}).Mount(r, "/api/feed", limit, session)
	r.POST("/api/echo", func(c echo.Context) error {
		v, err := Bind[noteCreate](c)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, v)
	}, r.LoadSession(), r.CSRF())
	r.GET("/api/slow", func(c echo.Context) error {
		<-c.Request().Context().Done() // the client goes away
		return fmt.Errorf("slow call: %w", c.Request().Context().Err())
	})
}

// appEnv is the routes with the notes app over loopback HTTP in front of
// its fake deployment.
type appEnv struct {
	t       *testing.T
	backend *notesBackend
	api     *API
	srv     *httptest.Server
	d       Deps
	logs    *observer.ObservedLogs
}

func newAppEnv(t *testing.T, expose ...string) *appEnv {
	t.Helper()
	b := &notesBackend{}
	key, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Signing: key})
	if err != nil {
		t.Fatal(err)
	}
	dep := b.deployment(convextest.Options{AdminKey: "test:key",
		VerifyToken: convextest.JWKSVerifier(tokens.JWKS(), "http://gw.test", "convex", nil)})
	backend := convextest.NewServer(dep)
	t.Cleanup(backend.Close)
	client, err := convexclient.New(convexclient.Config{URL: backend.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	app := newNotesApp()
	exposure, err := NewExposure(expose, app.reg)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	d := testDeps(t)
	d.Logger = zap.New(core)
	d.Convex, d.ConvexTokens, d.IdentityMode, d.Exposure = client, tokens, IdentityJWT, exposure
	d.Accounts = accounts.NewConvex(client, accounts.Functions{FindByEmail: "auth:getUserByEmail"}, nil)
	d.BodyLimit = 1 << 20
	api := NewAPI(d)
	srv := httptest.NewServer(api.Handler(app.routes))
	t.Cleanup(srv.Close)
	return &appEnv{t: t, backend: b, api: api, srv: srv, d: d, logs: logs}
}

// session signs ann in directly and returns her cookie and CSRF token.
func (env *appEnv) session() (*http.Cookie, string) {
	tok, s, err := env.d.Sessions.Issue(context.Background(), auth.SessionUser{UserID: "u_ann", Email: "ann@test.dev"})
	if err != nil {
		env.t.Fatal(err)
	}
	return env.d.Sessions.Cookie(tok, s), env.d.CSRF.Token(s.ID)
}

// do sends a request (signed in when ck is set) and returns status and body.
func (env *appEnv) do(method, path, body string, ck *http.Cookie, csrf string) (int, string) {
	env.t.Helper()
	req, _ := http.NewRequest(method, env.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if ck != nil {
		req.AddCookie(ck)
	}
	if csrf != "" {
		req.Header.Set(HeaderCSRF, csrf)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

func TestAppResourceRoutes(t *testing.T) {
	env := newAppEnv(t)
	ck, csrf := env.session()
	if st, body := env.do("GET", "/api/notes", "", nil, ""); st != 401 {
		t.Fatalf("no session: %d %s", st, body)
	}
	for i, title := range []string{"one", "two", "three"} {
		status := ""
		if i == 1 {
			status = `,"status":"done"`
		}
		if st, body := env.do("POST", "/api/notes", `{"title":"`+title+`"`+status+`}`, ck, csrf); st != 201 || !strings.Contains(body, `"id":"note`) {
			t.Fatalf("create %s: %d %s", title, st, body)
		}
	}
	// Paged by Convex: limit, cursor, and a filter from the args type.
	st, body := env.do("GET", "/api/notes?limit=2", "", ck, "")
	var page struct {
		Items      []note  `json:"items"`
		NextCursor *string `json:"nextCursor"`
	}
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 2 ||
		page.Items[0].Title != "three" || page.NextCursor == nil {
		t.Fatalf("page 1: %d %s", st, body)
	}
	st, body = env.do("GET", "/api/notes?limit=2&cursor="+*page.NextCursor, "", ck, "")
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 1 || page.NextCursor != nil {
		t.Fatalf("page 2: %d %s", st, body)
	}
	st, body = env.do("GET", "/api/notes?status=done", "", ck, "")
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 1 || page.Items[0].Title != "two" {
		t.Fatalf("filter: %d %s", st, body)
	}
	for _, q := range []string{"status=gone", "limit=0", "bogus=1", "pinned=maybe", "status=done&status=draft"} {
		if st, body := env.do("GET", "/api/notes?"+q, "", ck, ""); st != 400 || !strings.Contains(body, `"invalid_request"`) {
			t.Errorf("?%s: %d %s", q, st, body)
		}
	}
	// Whole list paged by the gateway, with a number filter.
	st, body = env.do("GET", "/api/feed?limit=2&min=2", "", ck, "")
	if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 2 || page.NextCursor != nil {
		t.Fatalf("feed: %d %s", st, body)
	}
	// Get, update, remove; ConvexError codes become statuses.
	id := page.Items[0].ID
	if st, body := env.do("GET", "/api/notes/"+id, "", ck, ""); st != 200 || !strings.Contains(body, `"title":"three"`) {
		t.Fatalf("get: %d %s", st, body)
	}
	if st, body := env.do("GET", "/api/notes/nope", "", ck, ""); st != 404 || !strings.Contains(body, `"not_found"`) {
		t.Fatalf("get missing: %d %s", st, body)
	}
	if st, body := env.do("GET", "/api/notes/a.b", "", ck, ""); st != 400 {
		t.Fatalf("bad id: %d %s", st, body)
	}
	if st, body := env.do("PATCH", "/api/notes/"+id, `{"title":"3"}`, ck, csrf); st != 204 {
		t.Fatalf("update: %d %s", st, body)
	}
	if st, body := env.do("PATCH", "/api/notes/"+id, `{}`, ck, csrf); st != 400 || !strings.Contains(body, "at least one field") {
		t.Fatalf("empty update: %d %s", st, body)
	}
	if st, body := env.do("PATCH", "/api/notes/"+id, `{"title":"x"}`, ck, ""); st != 403 || !strings.Contains(body, `"csrf_failed"`) {
		t.Fatalf("update without CSRF: %d %s", st, body)
	}
	if st, body := env.do("POST", "/api/notes", `{"title":" ","title":"x"}`, ck, csrf); st != 400 || !strings.Contains(body, "more than once") {
		t.Fatalf("duplicate key: %d %s", st, body)
	}
	if st, body := env.do("POST", "/api/notes", `{"title":" "}`, ck, csrf); st != 400 || !strings.Contains(body, "title must not be empty") {
		t.Fatalf("rule: %d %s", st, body)
	}
	if st, body := env.do("POST", "/api/notes", `{"title":"x","status":"gone"}`, ck, csrf); st != 400 ||
		!strings.Contains(body, `"status":"must be one of: draft, done"`) {
		t.Fatalf("enum body field: %d %s", st, body)
	}
	if st, body := env.do("POST", "/api/notes", `{"title":"x","status":7}`, ck, csrf); st != 400 ||
		!strings.Contains(body, `"status":"must be a string"`) {
		t.Fatalf("mistyped Optional field: %d %s", st, body)
	}
	if st, body := env.do("DELETE", "/api/notes/"+id, "", ck, csrf); st != 204 {
		t.Fatalf("remove: %d %s", st, body)
	}
	if st, body := env.do("GET", "/api/notes/"+id, "", ck, ""); st != 404 {
		t.Fatalf("get removed: %d %s", st, body)
	}
	// Bind on the app's own route, with LoadSession + CSRF.
	if st, body := env.do("POST", "/api/echo", `{"title":"hi"}`, nil, ""); st != 200 || !strings.Contains(body, `"title":"hi"`) {
		t.Fatalf("bind anonymous: %d %s", st, body)
	}
	if st, body := env.do("POST", "/api/echo", `{"title":"hi"}`, ck, ""); st != 403 {
		t.Fatalf("bind with a session, no CSRF: %d %s", st, body)
	}
}

// TestNewResourceChecksShapes: shapes that cannot be served are refused at
// start-up, naming the function.
func TestNewResourceChecksShapes(t *testing.T) {
	r := convexclient.NewRegistry()
	type nested struct {
		Where struct{ X int } `json:"where"`
	}
	cases := []struct {
		fns  ResourceFunctions
		want string
	}{
		{ResourceFunctions{List: convexclient.NewMutation[noteListArgs, notePage](r, "bad:list")}, "is a mutation"},
		{ResourceFunctions{List: convexclient.NewQuery[noteListArgs, note](r, "bad:page")}, "must be a page"},
		{ResourceFunctions{List: convexclient.NewQuery[nested, []note](r, "bad:filter")}, `"where"`},
		{ResourceFunctions{List: convexclient.NewQuery[struct{}, []string](r, "bad:docs")}, "document structs"},
		{ResourceFunctions{Get: convexclient.NewQuery[noteCreate, note](r, "bad:get")}, `"title" cannot be filled from the URL`},
		{ResourceFunctions{Remove: convexclient.NewMutation[struct {
			N *int `json:"n,omitempty"`
		}, any](r, "bad:remove")}, `no string field "id"`},
		{ResourceFunctions{Update: convexclient.NewMutation[noteCreate, any](r, "bad:update")}, `"id"`},
	}
	for _, tc := range cases {
		if _, err := NewResource(tc.fns); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.fns, err, tc.want)
		}
	}
}

// TestExposure: patterns, Exposed bindings, and nothing else.
func TestExposure(t *testing.T) {
	r := convexclient.NewRegistry()
	convexclient.NewQuery[struct{}, any](r, "app:open", convexclient.Exposed())
	convexclient.NewQuery[struct{}, any](r, "app:closed")
	convexclient.NewQuery[struct{}, any](r, "app:secret", convexclient.Internal, convexclient.Exposed())
	x, err := NewExposure([]string{"messages:*", "users:me", "admin/stats:count"}, r)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"messages:list": true, "messages:default": true, "messagesx:list": false, "messages/sub:list": false,
		"users:me": true, "users:list": false, "admin/stats:count": true, "admin:stats": false,
		"app:open": true, "app:closed": false, "app:secret": false, "other:x": false,
	} {
		if got := x.Allows(path); got != want {
			t.Errorf("Allows(%s) = %v, want %v", path, got, want)
		}
	}
	pub := x.OnlyPublic(map[string]bool{"messages:list": true})
	if !pub.Allows("messages:list") || pub.Allows("messages:purge") || !pub.Allows("app:open") {
		t.Error("OnlyPublic")
	}
	all, _ := NewExposure([]string{"*"}, nil)
	if !all.Allows("any/mod:fn") {
		t.Error(`"*"`)
	}
	for _, bad := range []string{"messages", "a b:c", "x:*y", ":*"} {
		if _, err := NewExposure([]string{bad}, nil); err == nil && bad != "messages" {
			t.Errorf("pattern %q accepted", bad)
		}
	}
	var none *Exposure
	if none.Allows("messages:list") {
		t.Error("nil exposure allows")
	}
}

// TestPassthroughErrorsInConvexShape: on the passthrough's paths, the shared
// middleware's errors (rate limit, body limit, routing) take Convex's shape.
func TestPassthroughErrorsInConvexShape(t *testing.T) {
	env := newAppEnv(t, "notes:*")
	post := func(path, body string, hdr map[string]string) (int, http.Header, string) {
		req, _ := http.NewRequest(http.MethodPost, env.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(data)
	}
	// The passthrough accepts bodies up to Convex's own limit, far above
	// the REST limit (1 MiB here), and refuses more as Convex does.
	big := `{"path":"notes:list","args":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	if st, _, body := post("/api/query", big, nil); st != 200 || !strings.Contains(body, `"status":"error"`) {
		t.Fatalf("2 MiB args: %d %.200s", st, body)
	}
	huge := `{"path":"notes:list","args":{"pad":"` + strings.Repeat("x", 17<<20) + `"}}`
	if st, _, body := post("/api/query", huge, nil); st != 400 || !strings.HasPrefix(body, `{"code":"BadJsonBody"`) {
		t.Fatalf("17 MiB: %d %.200s", st, body)
	}
	if st, _, body := post("/api/notes", `{"title":"`+strings.Repeat("x", 2<<20)+`"}`, nil); st != 413 || !strings.Contains(body, `"body_too_large"`) {
		t.Fatalf("REST over its limit: %d %.200s", st, body)
	}
	// Rate limited: Convex's shape with Retry-After.
	d := env.d
	lim, err := auth.NewLimiter(auth.NewMemoryStore(auth.MemoryStoreConfig{}), map[string]auth.Policy{
		PolicyLogin: {Rate: 1, Burst: 1}, PolicyAPI: {Rate: 0.001, Burst: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Limiter, d.APIRateLimit = lim, true
	srv := httptest.NewServer(NewAPI(d).Handler())
	defer srv.Close()
	env.srv = srv
	post("/api/query", `{"path":"notes:list","args":{}}`, nil)
	st, hdr, body := post("/api/query", `{"path":"notes:list","args":{}}`, nil)
	if st != 429 || hdr.Get("Retry-After") == "" || !strings.HasPrefix(body, `{"code":"RateLimited","message":`) {
		t.Fatalf("rate limited: %d %v %s", st, hdr, body)
	}
	st, _, body = post("/api/auth/logout", `{}`, nil)
	if st != 429 || !strings.Contains(body, `"rate_limited"`) {
		t.Fatalf("rate limited REST: %d %s", st, body)
	}
}

// TestClientCancelIs499: a client that goes away during a call is logged at
// debug as a client cancel and counted as 499, never as a 500 error.
func TestClientCancelIs499(t *testing.T) {
	env := newAppEnv(t)
	obs := &statusRecorder{}
	env.d.Metrics = obs
	srv := httptest.NewServer(NewAPI(env.d).Handler(newNotesApp().routes))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/slow", nil)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("request not cancelled")
	}
	deadline := time.Now().Add(5 * time.Second)
	for obs.get() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := obs.get(); got != StatusClientClosedRequest {
		t.Fatalf("status recorded %d, want 499", got)
	}
	if n := env.logs.FilterMessage("request failed").Len(); n != 0 {
		t.Errorf("%d error lines for a client cancel", n)
	}
	if env.logs.FilterMessage("client canceled").FilterField(zap.String("request_id", "")).Len() != 0 ||
		env.logs.FilterMessage("client canceled").Len() != 1 {
		t.Errorf("client cancel not logged once at debug: %v", env.logs.All())
	}
}

type statusRecorder struct {
	mu     sync.Mutex
	status int
}

func (s *statusRecorder) ObserveRequest(_, _ string, status int, _ time.Duration) {
	s.mu.Lock()
	s.status = status
	s.mu.Unlock()
}
func (s *statusRecorder) LoginOutcome(string) {}
func (s *statusRecorder) get() int            { s.mu.Lock(); defer s.mu.Unlock(); return s.status }

// TestLoginContract: the minimal user document signs in (no name, role or
// isActive: active), an inactive one does not, and every refusal is logged
// at info with its reason and a masked email while the client gets the one
// generic 401.
func TestLoginContract(t *testing.T) {
	env := newAppEnv(t)
	login := func(email, password string) (int, string) {
		return env.do("POST", "/api/auth/login", `{"email":"`+email+`","password":"`+password+`"}`, nil, "")
	}
	if st, body := login("ann@test.dev", "right-password"); st != 200 || !strings.Contains(body, `"id":"u_ann"`) {
		t.Fatalf("minimal document: %d %s", st, body)
	}
	var bodies []string
	for _, tc := range []struct{ email, password, reason string }{
		{"ann@test.dev", "wrong", "wrong_password"},
		{"nobody@test.dev", "right-password", "unknown_account"},
		{"off@test.dev", "right-password", "inactive"},
	} {
		st, body := login(tc.email, tc.password)
		if st != 401 || !strings.Contains(body, `"invalid_credentials"`) {
			t.Errorf("%s: %d %s", tc.email, st, body)
		}
		bodies = append(bodies, body[:strings.Index(body, `"requestId"`)])
		lines := env.logs.FilterMessage("login refused").FilterField(zap.String("reason", tc.reason))
		if lines.Len() != 1 || lines.All()[0].Level != zapcore.InfoLevel {
			t.Errorf("%s: want one info line with reason %s, got %v", tc.email, tc.reason, lines.All())
			continue
		}
		if email := lines.All()[0].ContextMap()["email"]; email == tc.email || email == "" {
			t.Errorf("email not masked: %v", email)
		}
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Errorf("refusals differ:\n%s", strings.Join(bodies, "\n"))
	}
}
