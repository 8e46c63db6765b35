package convextest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// realisticUpstream imitates a real deployment: random Crockford ids,
// wall-clock times, random request ids when none is sent, deploy key checks.
type realisticUpstream struct {
	t     testing.TB
	rnd   *rand.Rand
	mu    sync.Mutex
	users map[string]string // email -> id
	tasks map[string]map[string]any
	order []string
	seen  []string // Authorization headers received
}

const crockford = "0123456789abcdefghjkmnpqrstvwxyz"

func newRealisticUpstream(t testing.TB, seed uint64) *httptest.Server {
	u := &realisticUpstream{t: t, rnd: rand.New(rand.NewPCG(seed, seed)), tasks: map[string]map[string]any{}}
	u.users = map[string]string{"member@demo.test": u.newID()}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return srv
}

func (u *realisticUpstream) newID() string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = crockford[u.rnd.IntN(len(crockford))]
	}
	return string(b)
}

func (u *realisticUpstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	authz := r.Header.Get("Authorization")
	u.seen = append(u.seen, authz)
	cred, err := ParseAuthorization(authz)
	if err != nil || (cred.Key != "" && cred.Key != "secret-key") {
		writeCodeError(w, 401, "BadAdminKey", "The provided admin key was invalid for this instance")
		return
	}
	var body struct {
		Path string
		Args map[string]any
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	rid := r.Header.Get("Convex-Request-Id")
	if rid == "" {
		rid = fmt.Sprintf("%016x", u.rnd.Uint64())
	}
	now := float64(time.Now().UnixMilli()) + float64(u.rnd.IntN(1000))
	var value any
	var errData map[string]any
	switch body.Path {
	case "auth:getUserByEmail":
		if id, ok := u.users[body.Args["email"].(string)]; ok {
			value = map[string]any{"_id": id, "_creationTime": now, "email": body.Args["email"]}
		}
	case "tasks:create":
		id := u.newID()
		u.tasks[id] = map[string]any{"_id": id, "_creationTime": now + 0.5, "createdAt": now, "title": body.Args["title"], "userId": cred.Subject}
		u.order = append(u.order, id)
		value = id
	case "tasks:list":
		page := []any{}
		for _, id := range u.order {
			if u.tasks[id]["userId"] == cred.Subject {
				page = append(page, u.tasks[id])
			}
		}
		value = map[string]any{"page": page, "isDone": true, "continueCursor": u.newID() + "=="}
	case "tasks:get":
		if doc, ok := u.tasks[body.Args["id"].(string)]; ok {
			value = doc
		} else {
			errData = map[string]any{"code": "NOT_FOUND"}
		}
	}
	var out []byte
	if errData != nil {
		d, _ := json.Marshal(errData)
		out, _ = json.Marshal(map[string]any{"status": "error", "errorMessage": "[Request ID: " + rid + "] Server Error\nUncaught ConvexError: " + string(d) + "\n", "errorData": errData})
	} else {
		v, _ := json.Marshal(value)
		out = []byte(`{"status":"success","value":` + string(v) + `}`)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// recordSample drives a small scenario through a Recorder in front of up.
func recordSample(t *testing.T, upstream string, mode NormalizeMode) (*Cassette, []string) {
	t.Helper()
	rec, err := NewRecorder(RecorderOptions{Upstream: upstream, DeployKey: "secret-key", Scenario: "sample", Description: "d", Normalize: mode, Since: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(rec)
	defer proxy.Close()
	call := func(endpoint, path, args, authz string) map[string]any {
		req, _ := http.NewRequest(http.MethodPost, proxy.URL+endpoint, strings.NewReader(`{"path":"`+path+`","args":`+args+`}`))
		req.Header.Set("Content-Type", "application/json")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %s", path, b)
		}
		return m
	}
	user := call("/api/query", "auth:getUserByEmail", `{"email":"member@demo.test"}`, "Convex client-side-key")
	uid := user["value"].(map[string]any)["_id"].(string)
	as := acting(t, uid)
	tid := call("/api/mutation", "tasks:create", `{"title":"A"}`, as)["value"].(string)
	call("/api/mutation", "tasks:create", `{"title":"B"}`, as)
	list := call("/api/query", "tasks:list", `{}`, as)
	call("/api/query", "tasks:list", `{"cursor":"`+list["value"].(map[string]any)["continueCursor"].(string)+`"}`, as)
	call("/api/query", "tasks.js:get", `[{"id":"`+tid+`"}]`, as)
	call("/api/query", "tasks:get", `{"id":"000000000000000000000000000077id"}`, "")
	return rec.Cassette(), nil
}

func TestRecorderRealisticUpstreamIsStable(t *testing.T) {
	var files [][]byte
	for seed := range uint64(2) {
		up := newRealisticUpstream(t, seed+1)
		c, _ := recordSample(t, up.URL, NormalizeMap)
		b, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseCassette(b); err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatalf("re-recording differs:\n%s\n---\n%s", files[0], files[1])
	}
	f := string(files[0])
	for _, secret := range []string{"secret-key", "client-side-key", "Convex ", "Bearer "} {
		if strings.Contains(f, secret) {
			t.Errorf("cassette contains %q", secret)
		}
	}
	for _, want := range []string{
		`"subject": "000000000000000000000000000001id"`,
		`"requestId": "rec-sample-7"`,
		`[Request ID: rec-sample-7]`,
		`"path": "tasks:get"`,
		`\"continueCursor\":\"cursor-000001\"`,
		`"cursor": "cursor-000001"`,
		`\"createdAt\":1767225603000.0`,
	} {
		if !strings.Contains(f, want) {
			t.Errorf("cassette lacks %s:\n%s", want, f)
		}
	}
}

func TestRecorderSendsRealCredentialUpstream(t *testing.T) {
	u := &realisticUpstream{t: t, rnd: rand.New(rand.NewPCG(9, 9)), tasks: map[string]map[string]any{}}
	u.users = map[string]string{"member@demo.test": u.newID()}
	srv := httptest.NewServer(u)
	defer srv.Close()
	c, _ := recordSample(t, srv.URL, NormalizeMap)
	if len(c.Interactions) != 7 {
		t.Fatalf("%d interactions", len(c.Interactions))
	}
	if u.seen[0] != "Convex secret-key" {
		t.Errorf("admin header upstream = %q", u.seen[0])
	}
	cred, err := ParseAuthorization(u.seen[1])
	if err != nil || cred.Kind != AuthActing || cred.Subject != u.users["member@demo.test"] || cred.Key != "secret-key" {
		t.Errorf("acting header upstream = %+v, %v", cred, err)
	}
	if u.seen[6] != "" {
		t.Errorf("anonymous call sent %q", u.seen[6])
	}
	// Tasks really were created for the real user id (subject mapped back).
	if len(u.order) != 2 || u.tasks[u.order[0]]["userId"] != u.users["member@demo.test"] {
		t.Errorf("tasks = %v", u.tasks)
	}
}

func TestRecorderStableUpstreamKeepsBytes(t *testing.T) {
	const body = `{"status":"success","value":{"_creationTime":1790000000000.5,"_id":"jd7f2kfmzm0sjhy9bd2h0yfz4n7a1b2c","n":1.0}}`
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) }))
	defer up.Close()
	rec, err := NewRecorder(RecorderOptions{Upstream: up.URL, Scenario: "s"})
	if err != nil {
		t.Fatal(err)
	}
	status, got := post(t, rec, "/api/query", `{"path":"a:b","args":{}}`, "", "")
	if status != 200 || got != body {
		t.Fatalf("%d %s", status, got)
	}
	if c := rec.Cassette(); c.Interactions[0].Response.Body != body {
		t.Errorf("recorded %s", c.Interactions[0].Response.Body)
	}
}

func TestRecorderErrors(t *testing.T) {
	if _, err := NewRecorder(RecorderOptions{Upstream: "ftp://x", Scenario: "s"}); err == nil {
		t.Error("ftp upstream accepted")
	}
	if _, err := NewRecorder(RecorderOptions{Upstream: "http://127.0.0.1:1"}); err == nil {
		t.Error("missing scenario accepted")
	}
	rec, err := NewRecorder(RecorderOptions{Upstream: "http://127.0.0.1:1", Scenario: "s", HTTPClient: &http.Client{Timeout: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if s, b := post(t, rec, "/api/query", `{"path":"a:b","args":{}}`, "", ""); s != 502 || !strings.Contains(b, "UpstreamUnavailable") {
		t.Errorf("dead upstream: %d %s", s, b)
	}
	if s, _ := post(t, rec, "/api/query", `{`, "", ""); s != 400 {
		t.Errorf("bad body: %d", s)
	}
	if s, _ := post(t, rec, "/x", `{}`, "", ""); s != 404 {
		t.Errorf("bad route: %d", s)
	}
	if n := len(rec.Cassette().Interactions); n != 0 {
		t.Errorf("failed calls recorded: %d", n)
	}
}
