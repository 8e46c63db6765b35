package devbackend

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

const testKey = "dev:test-deploy-key"

// httpFixture is a Backend served over loopback HTTP by convextest.
type httpFixture struct {
	t   *testing.T
	b   *Backend
	srv *convextest.Server
	ids map[string]string
}

func newHTTPFixture(t *testing.T, opts Options) *httpFixture {
	t.Helper()
	b := New(opts)
	d := b.Deployment(convextest.Options{
		AdminKey: testKey,
		VerifyToken: func(tok string) (*convexclient.Identity, error) {
			sub, ok := strings.CutPrefix(tok, "tok-")
			if !ok {
				return nil, errors.New("bad token")
			}
			return &convexclient.Identity{Subject: sub, Issuer: "https://gw.test"}, nil
		},
	})
	srv := convextest.NewServer(d)
	t.Cleanup(srv.Close)
	return &httpFixture{t: t, b: b, srv: srv, ids: b.Refs()}
}

// as returns the Authorization header for a demo user ref ("" = none,
// "admin-key" = the deploy key alone, "bearer:<ref>" = a user token).
func (h *httpFixture) as(who string) string {
	switch {
	case who == "":
		return ""
	case who == "admin-key":
		return "Convex " + testKey
	case strings.HasPrefix(who, "bearer:"):
		return "Bearer tok-" + h.ids[strings.TrimPrefix(who, "bearer:")]
	}
	id, err := json.Marshal(convexclient.Identity{Subject: h.ids[who], Issuer: "https://gw.test"})
	if err != nil {
		h.t.Fatal(err)
	}
	return "Convex " + testKey + ":" + base64.StdEncoding.EncodeToString(id)
}

// post calls path through endpoint ("query", "mutation") and returns the
// HTTP status and body.
func (h *httpFixture) post(kind, path, who, args string) (int, string) {
	h.t.Helper()
	body := `{"path":"` + path + `","format":"convex_encoded_json","args":` + args + `}`
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/api/"+kind, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Convex-Request-Id", "rid-1")
	if a := h.as(who); a != "" {
		req.Header.Set("Authorization", a)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestRegisterEveryFunction(t *testing.T) {
	b := New(Options{})
	d := b.Deployment(convextest.Options{})
	want := map[string]string{
		"auth:getUserByEmail": "query internal", "auth:updateLastLogin": "mutation internal", "auth:updatePasswordHash": "mutation internal",
		"auth:getUserById": "query internal", "auth:createUser": "mutation internal", "auth:markEmailVerified": "mutation internal",
		"users:me": "query public", "users:list": "query public", "users:authorizeInvitation": "query public",
		"tasks:list": "query public", "tasks:create": "mutation public", "tasks:update": "mutation public", "tasks:remove": "mutation public",
		"notifications:list": "query public", "notifications:markRead": "mutation public", "notifications:create": "mutation internal",
	}
	for _, m := range []string{"beneficiaries", "donations", "meetings"} {
		want[m+":list"], want[m+":get"] = "query public", "query public"
		want[m+":create"], want[m+":update"], want[m+":remove"] = "mutation public", "mutation public", "mutation public"
	}
	want["donations:stats"] = "query public"
	for path, kv := range want {
		fn, ok := d.Lookup(path)
		if !ok {
			t.Errorf("%s not registered", path)
			continue
		}
		if got := fn.Kind.String() + " " + fn.Visibility.String(); got != kv {
			t.Errorf("%s: %s, want %s", path, got, kv)
		}
	}
	if got := len(b.Functions()); got != len(want) {
		t.Errorf("%d functions registered, want %d: %v", got, len(want), b.Functions())
	}
}

func TestHTTPResponses(t *testing.T) {
	h := newHTTPFixture(t, Options{RunnerClock: true, IDs: ConvexTestIDs})
	admin, member := h.ids["admin"], h.ids["member"]
	if admin != "000000000000000000000010000users" {
		t.Fatalf("admin id %s, want convex-test's first id", admin)
	}
	tests := []struct {
		name, kind, path, who, args, want string
	}{
		{"me via acting", "query", "users:me", "member", `{}`,
			`{"status":"success","value":{"_creationTime":1767225600000.002,"_id":"` + member + `","email":"member@demo.test","isActive":true,"name":"Mia Member","role":"member"}}`},
		{"me via bearer", "query", "users:me", "bearer:member", `{}`,
			`{"status":"success","value":{"_creationTime":1767225600000.002,"_id":"` + member + `","email":"member@demo.test","isActive":true,"name":"Mia Member","role":"member"}}`},
		{"unauthenticated", "query", "users:me", "", `{}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nUncaught ConvexError: {\"code\":\"UNAUTHENTICATED\"}\n","errorData":{"code":"UNAUTHENTICATED"}}`},
		{"admin key without identity", "query", "users:me", "admin-key", `{}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nUncaught ConvexError: {\"code\":\"UNAUTHENTICATED\"}\n","errorData":{"code":"UNAUTHENTICATED"}}`},
		{"forbidden", "query", "donations:stats", "member", `{}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nUncaught ConvexError: {\"code\":\"FORBIDDEN\"}\n","errorData":{"code":"FORBIDDEN"}}`},
		{"invalid", "mutation", "tasks:create", "member", `{"title":" ","priority":"low"}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nUncaught ConvexError: {\"code\":\"INVALID\",\"field\":\"title\",\"message\":\"title must not be empty\"}\n","errorData":{"code":"INVALID","field":"title","message":"title must not be empty"}}`},
		{"validator", "mutation", "tasks:create", "member", `{"title":"x"}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nArgumentValidationError: Missing required field ` + "`priority`" + ` in object\n"}`},
		{"not found", "query", "beneficiaries:get", "member", `{"id":"000000000000000000000099999beneficiaries"}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nUncaught ConvexError: {\"code\":\"NOT_FOUND\"}\n","errorData":{"code":"NOT_FOUND"}}`},
		{"internal from public", "query", "auth:getUserByEmail", "bearer:admin", `{"email":"admin@demo.test"}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nCould not find public function for 'auth:getUserByEmail'.\n"}`},
		{"unknown email", "query", "auth:getUserByEmail", "admin-key", `{"email":"x@demo.test"}`,
			`{"status":"success","value":null}`},
		{"wrong kind", "query", "tasks:create", "member", `{}`,
			`{"status":"error","errorMessage":"[Request ID: rid-1] Server Error\nTrying to execute tasks.js:create as Query, but it is defined as Mutation.\n"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.post(tc.kind, tc.path, tc.who, tc.args)
			if status != http.StatusOK || body != tc.want {
				t.Fatalf("status %d body\n%s\nwant\n%s", status, body, tc.want)
			}
		})
	}
}

func TestHTTPStatsInt64(t *testing.T) {
	h := newHTTPFixture(t, Options{})
	_, body := h.post("query", "donations:stats", "manager", `{"from":0}`)
	if !strings.Contains(body, `"count":{"$integer":"HgAAAAAAAAA="}`) || !strings.HasPrefix(body, `{"status":"success","value":{"byMethod":{"bank":`) {
		t.Fatalf("stats body %s", body)
	}
}

func TestHTTPPaginationAndCompletion(t *testing.T) {
	h := newHTTPFixture(t, Options{RunnerClock: true, IDs: ConvexTestIDs})
	cursor := "null"
	var sizes []int
	for {
		_, body := h.post("query", "meetings:list", "member", `{"paginationOpts":{"numItems":5,"cursor":`+cursor+`}}`)
		var r struct {
			Value struct {
				Page           []json.RawMessage
				IsDone         bool
				ContinueCursor string
			}
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		sizes = append(sizes, len(r.Value.Page))
		if r.Value.IsDone {
			break
		}
		c, _ := json.Marshal(r.Value.ContinueCursor)
		cursor = string(c)
	}
	if mustJSON(t, sizes) != "[5,5,2]" {
		t.Fatalf("sizes %v", sizes)
	}
	// The seed's task t17 is the member's first (pending) task.
	task := h.ids["t17"]
	_, body := h.post("mutation", "tasks:update", "member", `{"id":"`+task+`","status":"completed"}`)
	if body != `{"status":"success","value":null}` {
		t.Fatalf("update: %s", body)
	}
	_, body = h.post("query", "notifications:list", "member", `{"unreadOnly":true}`)
	// convex-test stores a _scheduled_functions document first (id 10119),
	// then the notification (10120) at the same clock value + 0.001.
	want := `{"status":"success","value":[{"_creationTime":1767225604000.001,"_id":"0000000000000010120notifications","body":"You completed \"Prepare monthly report\".","createdAt":1767225604000.0,"read":false,"title":"Task completed","userId":"` + h.ids["member"] + `"},`
	if !strings.HasPrefix(body, want) {
		t.Fatalf("notifications\n%s\nwant prefix\n%s", body, want)
	}
}

func TestConcurrentCalls(t *testing.T) {
	h := newHTTPFixture(t, Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := []string{"admin", "manager", "member"}[i%3]
			for range 5 {
				if _, body := h.post("mutation", "tasks:create", who, `{"title":"t","priority":"low"}`); !strings.Contains(body, `"success"`) {
					t.Errorf("create: %s", body)
				}
				h.post("query", "tasks:list", who, `{}`)
				h.post("query", "beneficiaries:list", who, `{"paginationOpts":{"numItems":3,"cursor":null}}`)
			}
		}()
	}
	wg.Wait()
	if got := len(h.b.db.tables["tasks"]); got != 32+40 {
		t.Fatalf("%d tasks, want 72", got)
	}
}

func TestResetRestoresSeed(t *testing.T) {
	h := newHTTPFixture(t, Options{RunnerClock: true, IDs: ConvexTestIDs})
	before := h.b.Refs()
	h.post("mutation", "tasks:remove", "member", `{"id":"`+h.ids["t17"]+`"}`)
	refs := h.b.Reset()
	if mustJSON(t, refs) != mustJSON(t, before) || len(refs) != 119 {
		t.Fatalf("refs after reset differ (%d)", len(refs))
	}
	if _, body := h.post("query", "tasks:list", "member", `{}`); strings.Count(body, `"_id"`) != 8 {
		t.Fatalf("tasks after reset: %s", body)
	}
}

// FuzzHandlers feeds arbitrary args to every function as every demo user:
// each call must answer with a value or an error, never panic.
func FuzzHandlers(f *testing.F) {
	seeds := []string{`{}`, `{"paginationOpts":{"numItems":3,"cursor":null}}`, `{"title":"t","priority":"low"}`,
		`{"paginationOpts":{"numItems":3,"cursor":"[\"1\"]"}}`, `{"from":1,"to":0}`, `{"id":"000000000000000000000010004tasks","status":"completed"}`,
		`{"title":"M","startsAt":1,"endsAt":2,"attendeeIds":["000000000000000000000010000users"]}`}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), []byte(s))
	}
	b := New(Options{IDs: ConvexTestIDs, RunnerClock: true})
	fns := b.functions()
	users := []string{"", "admin", "manager", "member", "inactive"}
	refs := b.Refs()
	f.Fuzz(func(t *testing.T, fi, ui uint8, args []byte) {
		fn := fns[int(fi)%len(fns)]
		c := &convextest.Call{Kind: fn.kind, Path: fn.path, Args: args}
		if u := users[int(ui)%len(users)]; u != "" {
			c.Identity = &convexclient.Identity{Subject: refs[u]}
		}
		_, _ = b.handler(fn)(context.Background(), c)
	})
}
