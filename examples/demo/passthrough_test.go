package demo

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

const testRID = "0123456789abcdef"

// post sends a Convex HTTP API request to base+endpoint over loopback.
func post(t *testing.T, base, endpoint, body string, hdr map[string]string) (int, string) {
	t.Helper()
	st, b, _ := postH(t, base, endpoint, body, hdr)
	return st, b
}

// postH is post, also returning the answer's headers.
func postH(t *testing.T, base, endpoint, body string, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Convex-Client", "npm-1.48.0")
	req.Header.Set(routes.HeaderConvexRequestID, testRID)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// unsignedJWT is a JWT with the given header and payload and a junk signature.
func unsignedJWT(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + ".c2ln"
}

// gateway serves env's routes over loopback HTTP.
func (env *testEnv) gateway(t *testing.T) string {
	srv := httptest.NewServer(env.e)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestPassthroughSameAsConvex sends each request to the gateway and straight
// to the deployment and wants the same status and bytes.
func TestPassthroughSameAsConvex(t *testing.T) {
	for _, mode := range []string{routes.IdentityAdmin, routes.IdentityJWT} {
		t.Run(mode, func(t *testing.T) {
			env := newTestEnv(t, mode)
			gw := env.gateway(t)
			member := map[string]string{"Authorization": "Bearer " + env.token("member")}
			manager := map[string]string{"Authorization": "Bearer " + env.token("manager")}
			adminTask := env.firstID(t, "admin", "tasks")
			memberNote := env.firstID(t, "member", "notifications")
			tok := env.token("member")
			forged := tok[:len(tok)-10] + strings.Map(func(r rune) rune { // a signature that decodes but does not verify
				if r == 'A' {
					return 'B'
				}
				return 'A'
			}, tok[len(tok)-10:len(tok)-9]) + tok[len(tok)-9:]
			foreignJWT := unsignedJWT(`{"alg":"ES256","kid":"k"}`, `{"iss":"https://evil.test","aud":"convex","sub":"x"}`)
			_, tsBody := post(t, env.srv.URL, "/api/query_ts", "", nil)
			var tsAnswer struct{ TS string }
			if err := json.Unmarshal([]byte(tsBody), &tsAnswer); err != nil || tsAnswer.TS == "" {
				t.Fatalf("query_ts: %s", tsBody)
			}
			ts := tsAnswer.TS
			cases := []struct {
				name, endpoint, body string
				hdr                  map[string]string
				want                 string // substring of the answer
			}{
				{"query", "/api/query", `{"path":"tasks:list","format":"convex_encoded_json","args":{}}`, member, `"status":"success"`},
				{"array args", "/api/query", `{"path":"tasks:list","format":"convex_encoded_json","args":[{"status":"pending"}]}`, member, `"pending"`},
				{"int64", "/api/query", `{"path":"donations:stats","format":"convex_encoded_json","args":[{}]}`, manager, `"count":{"$integer":`},
				{"js path", "/api/query", `{"path":"users.js:me","format":"convex_encoded_json","args":{}}`, member, `member@demo.test`},
				{"mutation", "/api/mutation", `{"path":"notifications:markRead","format":"convex_encoded_json","args":[{"id":"` + memberNote + `"}]}`, member, `{"status":"success","value":null}`},
				{"convex error", "/api/mutation", `{"path":"tasks:remove","format":"convex_encoded_json","args":{"id":"` + adminTask + `"}}`, member, `"errorData":{"code":"FORBIDDEN"}`},
				{"validator error", "/api/mutation", `{"path":"tasks:remove","format":"convex_encoded_json","args":{"id":"` + memberNote + `"}}`, member, `ArgumentValidationError`},
				{"forbidden", "/api/query", `{"path":"donations:stats","format":"convex_encoded_json","args":{}}`, member, `FORBIDDEN`},
				{"anonymous", "/api/query", `{"path":"users:me","format":"convex_encoded_json","args":{}}`, nil, `UNAUTHENTICATED`},
				{"internal looks missing", "/api/query", `{"path":"auth:getUserByEmail","format":"convex_encoded_json","args":{"email":"admin@demo.test"}}`, member, `Could not find public function for 'auth:getUserByEmail'`},
				{"missing", "/api/query", `{"path":"nope:nothing","format":"convex_encoded_json","args":{}}`, member, `Could not find public function for 'nope:nothing'`},
				{"wrong kind", "/api/mutation", `{"path":"tasks:list","format":"convex_encoded_json","args":{}}`, member, `Trying to execute`},
				{"bad content type", "/api/query", `{"path":"tasks:list","args":{}}`, map[string]string{"Content-Type": "text/plain"}, `BadJsonBody`},
				{"missing args", "/api/query", `{"path":"tasks:list"}`, nil, `BadJsonBody`},
				{"missing path", "/api/query", `{"Path":"tasks:list","args":{}}`, nil, "missing field `path`"},
				{"not json", "/api/query", `{"path":`, nil, `BadJsonBody`},
				{"bad format type", "/api/query", `{"path":"tasks:list","args":{},"format":1}`, nil, `BadJsonBody`},
				{"bad client version", "/api/query", `{"path":"tasks:list","args":{}}`, map[string]string{"Convex-Client": "npm"}, `InvalidClientVersion`},
				{"unsupported client", "/api/query", `{"path":"tasks:list","args":{}}`, map[string]string{"Convex-Client": "npm-latest"}, `ClientVersionUnsupported`},
				{"short auth header", "/api/query", `{"path":"tasks:list","args":{}}`, map[string]string{"Authorization": "Bea"}, `InvalidHeaderFailure`},
				{"run", "/api/run/tasks/list", `{"args":{},"format":"convex_encoded_json"}`, member, `"status":"success"`},
				{"run clean json", "/api/run/donations/stats", `{"args":{}}`, manager, `"count":"30"`},
				{"export json", "/api/query", `{"path":"donations:stats","args":{},"format":"export_json"}`, manager, `"count":30`},
				{"default json", "/api/query", `{"path":"donations:stats","args":{}}`, manager, `"count":"30"`},
				// The backend decodes the run path twice: %2F becomes a separator.
				{"run escaped", "/api/run/tasks%2Flist", `{"args":{}}`, member, `"status":"success"`},
				{"run mutation", "/api/run/notifications/markRead", `{"args":{"id":"` + memberNote + `"}}`, member, `{"status":"success","value":null}`},
				{"run wrong id", "/api/run/tasks/remove", `{"args":{"id":"` + memberNote + `"},"format":"convex_encoded_json"}`, member, `ArgumentValidationError`},
				{"run bad segment", "/api/run/a%20b/c", `{"args":{}}`, member, `BadConvexFunctionIdentifier`},
				{"run one segment", "/api/run/list", `{"args":{}}`, member, `MissingIdentifier`},
				{"run internal", "/api/run/auth/getUserByEmail", `{"args":{"email":"a@b.c"}}`, member, "Did you forget to run `npx convex dev`?"},
				{"admin key refused", "/api/query", `{"path":"auth:getUserByEmail","args":{"email":"admin@demo.test"}}`, map[string]string{"Authorization": "Convex wrong-key"}, `BadAdminKey`},
				{"bearer trimmed", "/api/query", `{"path":"users:me","format":"convex_encoded_json","args":{}}`, map[string]string{"Authorization": "Bearer   " + env.token("member") + "  "}, `member@demo.test`},
				{"unparsable token", "/api/query", `{"path":"users:me","args":{}}`, map[string]string{"Authorization": "Bearer not-a-jwt"}, `"message":"Could not parse JWT payload.`},
				{"foreign issuer", "/api/query", `{"path":"users:me","args":{}}`, map[string]string{"Authorization": "Bearer " + foreignJWT}, `"code":"NoAuthProvider"`},
				{"forged token", "/api/query", `{"path":"users:me","args":{}}`, map[string]string{"Authorization": "Bearer " + forged}, `"message":"Could not decode token. The JWT's 'kid'`},
				{"client upgrade headers", "/api/query", `{"path":"users:me","args":{}}`, map[string]string{"Convex-Client": "python-0.1.0"}, `UNAUTHENTICATED`},
				// consistentQuery's second half, at a timestamp from /api/query_ts.
				{"query_at_ts", "/api/query_at_ts", `{"path":"tasks:list","format":"convex_encoded_json","args":[{}],"ts":"` + ts + `"}`, member, `"status":"success"`},
				{"query_at_ts int64", "/api/query_at_ts", `{"path":"donations:stats","args":{},"ts":"` + ts + `"}`, manager, `"count":"30"`},
				{"query_at_ts internal", "/api/query_at_ts", `{"path":"auth:getUserByEmail","args":{"email":"a@b.c"},"ts":"` + ts + `"}`, member, `Could not find public function for 'auth:getUserByEmail'`},
				{"query_at_ts bad ts", "/api/query_at_ts", `{"path":"tasks:list","args":{},"ts":"nope"}`, member, `"code":"InternalServerError"`},
				{"query_at_ts old ts", "/api/query_at_ts", `{"path":"tasks:list","args":{},"ts":"AQAAAAAAAAA="}`, member, `"code":"InternalServerError"`},
				{"query_batch", "/api/query_batch", `{"queries":[{"path":"tasks:list","args":{},"format":"convex_encoded_json"},{"path":"donations:stats","args":{}},{"path":"auth:getUserByEmail","args":{"email":"a@b.c"}},{"path":"users:me","args":{}}]}`, manager,
					`Could not find public function for 'auth:getUserByEmail'.`},
				{"query_batch export_json", "/api/query_batch", `{"queries":[{"path":"donations:stats","args":{},"format":"export_json"}]}`, manager, `"count":30`},
				{"query_batch bad path", "/api/query_batch", `{"queries":[{"path":"tasks:list","args":{}},{"path":"../x:y","args":{}}]}`, member, `BadConvexFunctionIdentifier`},
				{"query_batch bad format", "/api/query_batch", `{"queries":[{"path":"tasks:list","args":{},"format":"xml"}]}`, member, `"code":"BadFormat"`},
				{"function refused", "/api/function", `{"path":"tasks:list","format":"convex_encoded_json","args":{}}`, member, `"code":"BadDeployKey"`},
				{"function anonymous", "/api/function", `{"componentPath":"x","path":"tasks:list","args":{}}`, nil, `"code":"BadDeployKey"`},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					gs, gb, gh := postH(t, gw, tc.endpoint, tc.body, tc.hdr)
					ds, db, dh := postH(t, env.srv.URL, tc.endpoint, tc.body, tc.hdr)
					if gs != ds || gb != db {
						t.Fatalf("gateway %d %s\nconvex  %d %s", gs, gb, ds, db)
					}
					for _, h := range []string{convextest.HeaderDeprecationState, convextest.HeaderDeprecationMessage} {
						if gh.Get(h) != dh.Get(h) {
							t.Fatalf("%s: gateway %q, convex %q", h, gh.Get(h), dh.Get(h))
						}
					}
					if !strings.Contains(gb, tc.want) {
						t.Fatalf("answer %s lacks %s", gb, tc.want)
					}
				})
			}
		})
	}
}

// firstID returns the id of the first document that user name lists in
// "tasks" or "notifications".
func (env *testEnv) firstID(t *testing.T, name, what string) string {
	t.Helper()
	st, body := env.do(http.MethodGet, "/api/"+what+"?limit=1", name, nil)
	lb := decodeJSON[listBody[struct {
		ID string `json:"_id"`
	}]](t, body)
	if st != http.StatusOK || len(lb.Items) != 1 {
		t.Fatalf("%s of %s: %d %s", what, name, st, body)
	}
	return lb.Items[0].ID
}

// TestPassthroughOnlyExposed: public functions that are not exposed answer
// exactly like missing ones, through every endpoint.
func TestPassthroughOnlyExposed(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	gw := env.gateway(t)
	hdr := map[string]string{"Authorization": "Bearer " + env.token("admin")}
	for _, p := range []string{"beneficiaries:create", "users:list", "notifications:create", "auth:updateLastLogin"} {
		for _, ep := range []string{"/api/query", "/api/mutation", "/api/action"} {
			st, body := post(t, gw, ep, `{"path":"`+p+`","args":{}}`, hdr)
			if want := missingFunction(testRID, p, false); st != 200 || body != want {
				t.Fatalf("%s %s: %d %s\nwant %s", ep, p, st, body, want)
			}
		}
		mod, fn, _ := strings.Cut(p, ":")
		st, body := post(t, gw, "/api/run/"+mod+"/"+fn, `{"args":{}}`, hdr)
		if want := missingFunction(testRID, p, true); st != 200 || body != want {
			t.Fatalf("run %s: %d %s\nwant %s", p, st, body, want)
		}
	}
	// The fake deployment prints the same for an internal function called
	// without the deploy key: the gateway's answer is indistinguishable.
	st, body := post(t, env.srv.URL, "/api/mutation", `{"path":"auth:updateLastLogin","args":{}}`, hdr)
	if body != missingFunction(testRID, "auth:updateLastLogin", false) || st != 200 {
		t.Fatalf("deployment's own answer differs: %d %s", st, body)
	}
}

func TestPassthroughRun(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	gw := env.gateway(t)
	hdr := map[string]string{"Authorization": "Bearer " + env.token("manager")}
	// /api/run defaults to the clean json format: int64 as a decimal string.
	st, body := post(t, gw, "/api/run/donations/stats", `{"args":{}}`, hdr)
	if st != 200 || !strings.Contains(body, `"count":"30"`) {
		t.Fatalf("run: %d %s", st, body)
	}
	st, body = post(t, gw, "/api/run/donations/stats", `{"args":{},"format":"convex_encoded_json"}`, hdr)
	if st != 200 || !strings.Contains(body, `"count":{"$integer":"HgAAAAAAAAA="}`) {
		t.Fatalf("run encoded: %d %s", st, body)
	}
	st, body = post(t, gw, "/api/run/tasks/create", `{"args":{"title":"via run","priority":"low"}}`, hdr)
	if st != 200 || !strings.Contains(body, `"status":"success"`) {
		t.Fatalf("run mutation: %d %s", st, body)
	}
	st, body = post(t, gw, "/api/run/stats", `{"args":{}}`, hdr)
	if st != 400 || !strings.Contains(body, `"code":"MissingIdentifier"`) {
		t.Fatalf("one segment: %d %s", st, body)
	}
	st, body = post(t, gw, "/api/query", `{"path":"donations:stats","args":{},"format":"yaml"}`, hdr)
	if st != 400 || !strings.Contains(body, `"code":"BadFormat"`) {
		t.Fatalf("bad format: %d %s", st, body)
	}
	st, body = post(t, gw, "/api/query", `{"path":"../etc:passwd","args":{}}`, hdr)
	if st != 400 || !strings.Contains(body, `"code":"BadConvexFunctionIdentifier"`) {
		t.Fatalf("bad path: %d %s", st, body)
	}
}

func TestPassthroughAuth(t *testing.T) {
	for _, mode := range []string{routes.IdentityAdmin, routes.IdentityJWT} {
		t.Run(mode, func(t *testing.T) { testPassthroughAuth(t, mode) })
	}
}

func testPassthroughAuth(t *testing.T, mode string) {
	env := newTestEnv(t, mode)
	gw := env.gateway(t)
	me := `{"path":"users:me","format":"convex_encoded_json","args":{}}`
	cases := []struct {
		name   string
		hdr    map[string]string
		status int
		want   string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer " + env.token("manager")}, 200, "manager@demo.test"},
		{"garbage token", map[string]string{"Authorization": "Bearer not-a-jwt"}, 401, `"code":"InvalidAuthHeader"`},
		{"forged token", map[string]string{"Authorization": "Bearer " + env.token("manager") + "x"}, 401, `"code":"InvalidAuthHeader"`},
		{"basic", map[string]string{"Authorization": "Basic abc"}, 400, `"code":"InvalidAdminKey"`},
		{"anonymous", nil, 200, "UNAUTHENTICATED"},
	}
	for _, tc := range cases {
		st, body := post(t, gw, "/api/query", me, tc.hdr)
		if st != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s", tc.name, st, body)
		}
		if strings.Contains(body, testDeployKey) {
			t.Fatalf("%s: deploy key leaked", tc.name)
		}
	}
	// Session cookie: needs the CSRF token or a same-origin request.
	ck, csrf := env.session("member")
	cookie := ck.Name + "=" + ck.Value
	for _, tc := range []struct {
		name   string
		hdr    map[string]string
		status int
		want   string
	}{
		{"cookie+csrf", map[string]string{"Cookie": cookie, routes.HeaderCSRF: csrf, "Origin": "https://evil.test"}, 200, "member@demo.test"},
		{"cookie same-origin", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}, 200, "member@demo.test"},
		{"cookie cross-site", map[string]string{"Cookie": cookie, "Origin": "https://evil.test"}, 403, `"code":"CsrfFailed"`},
		{"cookie wrong csrf", map[string]string{"Cookie": cookie, routes.HeaderCSRF: "x", "Sec-Fetch-Site": "cross-site"}, 403, `"code":"CsrfFailed"`},
	} {
		st, body := post(t, gw, "/api/query", me, tc.hdr)
		if st != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s", tc.name, st, body)
		}
	}
}

// TestPassthroughUnconfigured: an unconfigured backend, end to end.
func TestPassthroughUnconfigured(t *testing.T) {
	exposure, err := routes.NewExposure(nil, New().Registry())
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, routes.IdentityJWT) // for its sessions and CSRF
	a := routes.NewAPI(routes.Deps{Exposure: exposure, Sessions: env.sess, CSRF: env.csrf,
		Convex: convexclient.NewLazy(func() (convexclient.Config, error) {
			return convexclient.Config{}, &convexclient.ConfigError{Setting: "CONVEX_URL", Reason: "is not set"}
		})})
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	st, body := post(t, srv.URL, "/api/query", `{"path":"users:me","args":{}}`, nil)
	if st != 503 || body != `{"code":"BackendNotConfigured","message":"The Convex backend is not configured: set CONVEX_URL."}` {
		t.Fatalf("unconfigured: %d %s", st, body)
	}
}

// BenchmarkPassthroughQuery is tasks:list through POST /api/query with a
// gateway-issued bearer token (compare with BenchmarkTasksListDirect/jwt).
func BenchmarkPassthroughQuery(b *testing.B) {
	env := newTestEnv(b, routes.IdentityJWT)
	authz := "Bearer " + env.token("member")
	const body = `{"path":"tasks:list","format":"convex_encoded_json","args":[{}]}`
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/query", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", authz)
			rec := httptest.NewRecorder()
			env.e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"success"`) {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

// missingFunction is Convex's answer for a function that does not exist
// (or is internal) at path, from /api/query|mutation|action or /api/run.
func missingFunction(rid, path string, run bool) string {
	inner := "Could not find public function for '" + path + "'."
	if run {
		inner = "Could not find function for '" + path + "'. Did you forget to run `npx convex dev`?"
	}
	msg, _ := json.Marshal("[Request ID: " + rid + "] Server Error\n" + inner + "\n")
	return `{"status":"error","errorMessage":` + string(msg) + `}`
}
