package convextest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func interaction(endpoint, path, args string, auth AuthKind, subject string, status int, body string) Interaction {
	return Interaction{
		Request:  CassetteRequest{Endpoint: endpoint, Path: path, Args: json.RawMessage(args), Auth: auth, Subject: subject},
		Response: CassetteResponse{Status: status, Body: body},
	}
}

func mustCassette(t testing.TB, name string, its ...Interaction) *Cassette {
	t.Helper()
	c := &Cassette{Scenario: name, Interactions: its}
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParseCassette(data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func post(t testing.TB, h http.Handler, endpoint, body, authz, rid string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if rid != "" {
		req.Header.Set("Convex-Request-Id", rid)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func replayFixture(t testing.TB) *Cassette {
	return mustCassette(t, "fixture",
		interaction("/api/query", "tasks:list", `{}`, AuthActing, "u1", 200, `{"status":"success","value":[]}`),
		interaction("/api/mutation", "tasks:create", `{"priority":"high","title":"A"}`, AuthActing, "u1", 200, `{"status":"success","value":"t1"}`),
		interaction("/api/query", "tasks:list", `{}`, AuthActing, "u1", 200, `{"status":"success","value":[{"_id":"t1"}]}`),
		interaction("/api/query", "auth:getUserByEmail", `{"email":"member@demo.test"}`, AuthAdmin, "", 200, `{"status":"success","value":null}`),
		interaction("/api/query", "users:me", `{}`, AuthNone, "", 200, `{"status":"error","errorMessage":"[Request ID: rec-fixture-5] Server Error\nUncaught ConvexError: {\"code\":\"UNAUTHENTICATED\"}\n","errorData":{"code":"UNAUTHENTICATED"}}`),
	)
}

func acting(t testing.TB, subject string) string {
	enc, err := convexclient.EncodeIdentity(convexclient.Identity{Subject: subject, Issuer: "https://gateway.demo.test"})
	if err != nil {
		t.Fatal(err)
	}
	return "Convex any-key:" + enc
}

func TestReplayOrderAndForms(t *testing.T) {
	var misses []Miss
	rp := NewReplayer(ReplayOptions{OnMiss: func(m Miss) { misses = append(misses, m) }}, replayFixture(t))
	u1 := acting(t, "u1")
	steps := []struct {
		endpoint, body, authz, rid string
		wantStatus                 int
		want                       string
	}{
		{"/api/query", `{"path":"tasks.js:list","args":[{}],"format":"convex_encoded_json"}`, u1, "", 200, `{"status":"success","value":[]}`},
		{"/api/mutation", `{"path":"tasks:create","args":{"title":"A","priority":"high"}}`, u1, "", 200, `{"status":"success","value":"t1"}`},
		{"/api/query", `{"path":"tasks:list","args":{}}`, u1, "", 200, `{"status":"success","value":[{"_id":"t1"}]}`},
		{"/api/query", `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"}}`, "Convex other-key", "", 200, `{"status":"success","value":null}`},
		{"/api/query", `{"path":"users:me","args":{}}`, "", "gw-42", 200, `{"status":"error","errorMessage":"[Request ID: gw-42] Server Error\nUncaught ConvexError: {\"code\":\"UNAUTHENTICATED\"}\n","errorData":{"code":"UNAUTHENTICATED"}}`},
	}
	for i, s := range steps {
		status, body := post(t, rp, s.endpoint, s.body, s.authz, s.rid)
		if status != s.wantStatus || body != s.want {
			t.Errorf("step %d: %d %s; want %d %s", i, status, body, s.wantStatus, s.want)
		}
	}
	if len(misses) != 0 {
		t.Errorf("misses: %v", misses)
	}
	if u := rp.Unused(); len(u) != 0 {
		t.Errorf("unused: %v", u)
	}
	// Third tasks:list: exhausted.
	status, body := post(t, rp, "/api/query", `{"path":"tasks:list","args":{}}`, u1, "")
	if status != 500 || !strings.Contains(body, `"code":"UnrecordedRequest"`) {
		t.Fatalf("exhausted: %d %s", status, body)
	}
	if len(misses) != 1 || misses[0].Exhausted != 2 || misses[0].Nearest == nil || misses[0].Nearest.Index != 0 && misses[0].Nearest.Index != 2 {
		t.Fatalf("miss = %+v", misses)
	}
	if !strings.Contains(misses[0].String(), "more often than recorded") {
		t.Errorf("miss text %q", misses[0])
	}
}

func TestReplayMissNamesNearest(t *testing.T) {
	tests := []struct {
		name, endpoint, body, authz string
		wantIndex                   int
		wantText                    []string
	}{
		{"args differ", "/api/query", `{"path":"auth:getUserByEmail","args":{"email":"nobody@demo.test"}}`, "Convex k", 3,
			[]string{"unrecorded request: query auth:getUserByEmail", `fixture #3`, `args.email: recorded "member@demo.test", got "nobody@demo.test"`}},
		{"auth differs", "/api/mutation", `{"path":"tasks:create","args":{"title":"A","priority":"high"}}`, "", 1,
			[]string{"auth: recorded acting, got none", `subject: recorded "u1", got ""`}},
		{"path typo", "/api/query", `{"path":"tasks:lst","args":{}}`, "", 0,
			[]string{"path: recorded tasks:list, got tasks:lst"}},
		{"extra arg", "/api/mutation", `{"path":"tasks:create","args":{"title":"A","priority":"high","x":true}}`, "", 1,
			[]string{"args.x: not recorded (got true)"}},
		{"wrong endpoint", "/api/query", `{"path":"tasks:create","args":{"title":"A","priority":"high"}}`, acting(t, "u1"), 1,
			[]string{"endpoint: recorded /api/mutation, got /api/query"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var miss Miss
			rp := NewReplayer(ReplayOptions{MissStatus: 404, OnMiss: func(m Miss) { miss = m }}, replayFixture(t))
			status, body := post(t, rp, tc.endpoint, tc.body, tc.authz, "")
			if status != 404 || !strings.Contains(body, "UnrecordedRequest") {
				t.Fatalf("%d %s", status, body)
			}
			if miss.Nearest == nil || miss.Nearest.Index != tc.wantIndex {
				t.Fatalf("nearest = %+v", miss.Nearest)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(miss.String(), w) {
					t.Errorf("miss %q lacks %q", miss, w)
				}
			}
		})
	}
}

func TestReplayBearerSubject(t *testing.T) {
	c := mustCassette(t, "b", interaction("/api/query", "users:me", `{}`, AuthUser, "u9", 200, `{"status":"success","value":1}`))
	rp := NewReplayer(ReplayOptions{}, c)
	status, body := post(t, rp, "/api/query", `{"path":"users:me","args":{}}`, "Bearer "+jwtWith(`{"sub":"u9"}`), "")
	if status != 200 || body != `{"status":"success","value":1}` {
		t.Fatalf("%d %s", status, body)
	}
}

func TestReplayIdentityOnly(t *testing.T) {
	bearer := "Bearer " + jwtWith(`{"sub":"u1"}`)
	strict := NewReplayer(ReplayOptions{}, replayFixture(t))
	if s, _ := post(t, strict, "/api/query", `{"path":"tasks:list","args":{}}`, bearer, ""); s != 500 {
		t.Errorf("strict: bearer matched an acting recording (%d)", s)
	}
	loose := NewReplayer(ReplayOptions{IdentityOnly: true}, replayFixture(t))
	if s, b := post(t, loose, "/api/query", `{"path":"tasks:list","args":{}}`, bearer, ""); s != 200 || b != `{"status":"success","value":[]}` {
		t.Errorf("IdentityOnly: %d %s", s, b)
	}
	if s, _ := post(t, loose, "/api/query", `{"path":"tasks:list","args":{}}`, "Bearer "+jwtWith(`{"sub":"u2"}`), ""); s != 500 {
		t.Errorf("IdentityOnly matched another subject (%d)", s)
	}
}

func TestReplayAdminKey(t *testing.T) {
	rp := NewReplayer(ReplayOptions{AdminKey: "right"}, replayFixture(t))
	body := `{"path":"auth:getUserByEmail","args":{"email":"member@demo.test"}}`
	if s, b := post(t, rp, "/api/query", body, "Convex wrong", ""); s != 401 || !strings.Contains(b, "BadAdminKey") {
		t.Errorf("wrong key: %d %s", s, b)
	}
	if s, _ := post(t, rp, "/api/query", body, "Convex right", ""); s != 200 {
		t.Errorf("right key: %d", s)
	}
	if s, _ := post(t, rp, "/api/query", `{"path":"tasks:list","args":{}}`, strings.Replace(acting(t, "u1"), "any-key", "wrong", 1), ""); s != 401 {
		t.Errorf("acting with wrong key: %d", s)
	}
}

func TestReplayRepeat(t *testing.T) {
	rp := NewReplayer(ReplayOptions{Repeat: true}, replayFixture(t))
	for range 3 {
		if status, _ := post(t, rp, "/api/query", `{"path":"users:me","args":{}}`, "", ""); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
}

func TestReplayBadRequests(t *testing.T) {
	rp := NewReplayer(ReplayOptions{}, replayFixture(t))
	tests := []struct {
		name, method, endpoint, body, authz string
		status                              int
	}{
		{"get", http.MethodGet, "/api/query", "", "", 405},
		{"unknown route", http.MethodPost, "/api/nope", `{}`, "", 404},
		{"bad json", http.MethodPost, "/api/query", `{`, "", 400},
		{"no path", http.MethodPost, "/api/query", `{"args":{}}`, "", 400},
		{"args array of 2", http.MethodPost, "/api/query", `{"path":"a:b","args":[{},{}]}`, "", 400},
		{"bad auth", http.MethodPost, "/api/query", `{"path":"a:b","args":{}}`, "Basic x", 401},
		{"jwt without sub", http.MethodPost, "/api/query", `{"path":"a:b","args":{}}`, "Bearer " + jwtWith(`{"iss":"x"}`), 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.endpoint, strings.NewReader(tc.body))
			if tc.authz != "" {
				req.Header.Set("Authorization", tc.authz)
			}
			rec := httptest.NewRecorder()
			rp.ServeHTTP(rec, req)
			if rec.Code != tc.status || !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}

// fakeTB captures Errorf calls of NewReplayServer.
type fakeTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, format)
}
func (f *fakeTB) Helper() {}

func TestReplayServerFailsTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	srv := NewReplayServer(ft, replayFixture(t))
	resp, err := http.Post(srv.URL+"/api/query", "application/json", strings.NewReader(`{"path":"nope:x","args":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(b), "unrecorded request: query nope:x") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errs) != 1 {
		t.Fatalf("Errorf calls = %d, want 1", len(ft.errs))
	}
	srv.Close()
}

func TestReplayConcurrent(t *testing.T) {
	var its []Interaction
	for range 50 {
		its = append(its, interaction("/api/query", "a:b", `{}`, AuthNone, "", 200, `{"status":"success","value":null}`))
	}
	rp := NewReplayer(ReplayOptions{}, mustCassette(t, "c", its...))
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if s, b := post(t, rp, "/api/query", `{"path":"a:b","args":{}}`, "", ""); s != 200 {
				t.Errorf("%d %s", s, b)
			}
		})
	}
	wg.Wait()
	if s, _ := post(t, rp, "/api/query", `{"path":"a:b","args":{}}`, "", ""); s != 500 {
		t.Errorf("51st call: %d", s)
	}
}
