package routes

import (
	"context"
	"encoding/base64"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// ptEnv is the passthrough over loopback HTTP in front of a fake
// deployment that trusts the gateway's tokens, both on one clock, so every
// request can be sent to both and the answers compared.
type ptEnv struct {
	t       *testing.T
	gw, dep string // base URLs
	d       Deps
	tokens  *auth.ConvexTokens
	mu      sync.Mutex
	now     time.Time
}

func (e *ptEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }

func (e *ptEnv) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

const ptRID = "0123456789abcdef"

// newPTEnv exposes "msgs:*" and "secret:*" (secret:get is internal); "hidden:list"
// is public but not exposed.
func newPTEnv(t *testing.T, mode string) *ptEnv {
	t.Helper()
	e := &ptEnv{t: t, now: time.Unix(1_800_000_000, 0)}
	key, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens, err = auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Signing: key, Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "test:key", Now: e.clock,
		VerifyToken: convextest.JWKSVerifier(e.tokens.JWKS(), "http://gw.test", "convex", e.clock)})
	subject := func(c *convextest.Call) any {
		if c.Identity == nil {
			return nil
		}
		return c.Identity.Subject
	}
	dep.Query("msgs:list", func(_ context.Context, c *convextest.Call) (any, error) {
		c.Logf("listing")
		return map[string]any{"who": subject(c), "n": int64(3), "neg": math.Copysign(0, -1), "inf": math.Inf(1),
			"b": []byte{1, 2, 3}, "f": 2.5}, nil
	})
	dep.Query("msgs", func(context.Context, *convextest.Call) (any, error) { return "default", nil })
	dep.Query("msgs:boom", func(context.Context, *convextest.Call) (any, error) {
		return nil, convextest.ConvexError(map[string]any{"code": "NOPE", "n": int64(7)})
	})
	dep.Mutation("msgs:send", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct{ Text string }
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		return "sent " + a.Text, nil
	})
	dep.Action("msgs:act", func(context.Context, *convextest.Call) (any, error) { return int64(1), nil })
	dep.Query("hidden:list", func(context.Context, *convextest.Call) (any, error) { return "hidden", nil })
	dep.Query("secret:get", func(context.Context, *convextest.Call) (any, error) { return "s3cret", nil }, convextest.Internal())
	ds := convextest.NewServer(dep)
	t.Cleanup(ds.Close)
	client, err := convexclient.New(convexclient.Config{URL: ds.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewExposure([]string{"msgs:*", "secret:*"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mode == IdentityAdmin { // the gateway requires a function spec then (see OnlyPublic)
		public := map[string]bool{}
		for _, p := range dep.Paths() {
			if fn, _ := dep.Lookup(p); fn.Visibility != convexclient.Internal {
				public[p] = true
			}
		}
		x = x.OnlyPublic(public)
	}
	e.d = testDeps(t)
	e.d.Convex, e.d.ConvexTokens, e.d.IdentityMode, e.d.Exposure, e.d.Now = client, e.tokens, mode, x, e.clock
	gw := httptest.NewServer(NewAPI(e.d).Handler())
	t.Cleanup(gw.Close)
	e.gw, e.dep = gw.URL, ds.URL
	return e
}

// token returns a gateway token of a live session for user id.
func (e *ptEnv) token(id string) string {
	_, s, err := e.d.Sessions.Issue(context.Background(), auth.SessionUser{UserID: id})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, _, err := e.tokens.Issue(auth.TokenUser{Subject: id, SessionID: s.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type ptAnswer struct {
	status int
	body   string
	hdr    http.Header
}

// post sends a request as the official client does (JSON, npm-1.48.0, a
// fixed Convex-Request-Id); hdr values "" delete a header.
func (e *ptEnv) post(base, path, body string, hdr map[string]string) ptAnswer {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Convex-Client", "npm-1.48.0")
	req.Header.Set(HeaderConvexRequestID, ptRID)
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return ptAnswer{res.StatusCode, string(b), res.Header}
}

// unsignedJWT is a JWT with the given payload and no valid signature.
func unsignedJWT(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + ".c2ln"
}

// TestPassthroughSameAsFake sends every request to the gateway and straight
// to the fake deployment (which answers with the backend's texts, in its
// order) and wants the same status, body and deprecation headers, for every
// route of the Convex HTTP API and its errors.
func TestPassthroughSameAsFake(t *testing.T) {
	e := newPTEnv(t, IdentityJWT)
	ann := map[string]string{"Authorization": "Bearer " + e.token("u_ann")}
	bob := map[string]string{"Authorization": "Bearer  " + e.token("u_bob") + "  "} // trimmed, as Convex does
	hdr := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	forged := []byte(e.token("u_ann")) // a signature that decodes but does not verify
	if i := len(forged) - 20; forged[i] == 'A' {
		forged[i] = 'B'
	} else {
		forged[i] = 'A'
	}
	tsNow := convexclient.Timestamp(e.clock().UnixNano()).String()
	tsOld := convexclient.Timestamp(e.clock().Add(-time.Minute).UnixNano()).String()
	tsFuture := convexclient.Timestamp(e.clock().Add(time.Hour).UnixNano()).String()
	const list = `{"path":"msgs:list","format":"convex_encoded_json","args":{}}`
	cases := []struct {
		name, path, body string
		hdr              map[string]string
		want             string // substring of the answer, so the case cannot pass vacuously
	}{
		// /api/query, /api/mutation, /api/action
		{"query encoded", "/api/query", list, ann, `"who":"u_ann"`},
		{"query logLines", "/api/query", list, ann, `"logLines":["[LOG] listing"]`},
		{"query legacy array args", "/api/query", `{"path":"msgs.js:list","format":"convex_encoded_json","args":[{}]}`, bob, `"who":"u_bob"`},
		{"query default json", "/api/query", `{"path":"msgs:list","args":{}}`, ann, `"n":"3"`},
		{"query clean json", "/api/query", `{"path":"msgs:list","args":{},"format":"json"}`, ann, `"inf":"Infinity"`},
		{"query export_json -0", "/api/query", `{"path":"msgs:list","args":{},"format":"export_json"}`, ann, `"neg":-0.0`},
		{"query default export", "/api/query", `{"path":"msgs","args":{}}`, nil, `"value":"default"`},
		{"old npm gets encoded", "/api/query", `{"path":"msgs:list","args":{}}`, hdr("Convex-Client", "npm-1.4.0"), `"n":{"$integer":`},
		{"convex error data", "/api/query", `{"path":"msgs:boom","args":{}}`, nil, `"errorData":{"code":"NOPE","n":"7"}`},
		{"mutation", "/api/mutation", `{"path":"msgs:send","args":{"text":"hi"}}`, ann, `"sent hi"`},
		{"action", "/api/action", `{"path":"msgs:act","args":{},"format":"convex_encoded_json"}`, ann, `"value":{"$integer":"AQAAAAAAAAA="}`},
		{"wrong kind", "/api/mutation", list, ann, "Trying to execute msgs.js:list as Mutation"},
		{"missing function", "/api/query", `{"path":"nothere:x","args":{}}`, ann, "Could not find public function for 'nothere:x'."},
		{"missing default export stripped", "/api/query", `{"path":"nothere","args":{}}`, nil, "Could not find public function for 'nothere'."},
		{"internal looks missing", "/api/query", `{"path":"secret:get","args":{}}`, ann, "Could not find public function for 'secret:get'."},
		{"bad format after running", "/api/mutation", `{"path":"msgs:send","args":{"text":"x"},"format":"yaml"}`, ann, `"code":"BadFormat"`},
		{"bad format before missing", "/api/query", `{"path":"nothere:x","args":{},"format":"yaml"}`, ann, `"code":"BadFormat"`},
		{"bad path", "/api/query", `{"path":"a b:c","args":{}}`, ann, "a b:c is not a valid path to a Convex function. Path component a b.js"},
		{"bad path before auth", "/api/query", `{"path":"/abs:f","args":{}}`, hdr("Authorization", "Bearer junk"), "Module paths must be relative"},
		// Body and headers, in the backend's order.
		{"bad content type", "/api/query", list, hdr("Content-Type", "text/plain"), "Expected request with `Content-Type: application/json`"},
		{"+json content type", "/api/query", list, hdr("Content-Type", "application/vnd.x+json; charset=utf-8"), `"status":"success"`},
		{"missing args", "/api/query", `{"path":"msgs:list"}`, nil, "missing field `args` at line 1 column 20"},
		{"missing path", "/api/query", `{"Path":"msgs:list","args":{}}`, nil, "missing field `path` at line 1 column 30"},
		{"not json", "/api/query", `{"path":`, nil, "EOF while parsing a value at line 1 column 8"},
		{"trailing characters", "/api/query", list + "x", nil, "trailing characters"},
		{"duplicate field", "/api/query", `{"path":"msgs:list","path":"x:y","args":{}}`, nil, "duplicate field `path`"},
		{"format not a string", "/api/query", `{"path":"msgs:list","args":{},"format":1}`, nil, "invalid type: integer `1`, expected a string at line 1 column 40"},
		{"body before path", "/api/query", `{"path":"a b:c"}`, nil, "missing field `args`"},
		{"client version no dash", "/api/query", list, hdr("Convex-Client", "npm"), "Failed to parse client version string: 'npm'. Expected format is {client_name}-{semver}, e.g. my-esolang-client-0.0.1"},
		{"client version unsupported", "/api/query", list, hdr("Convex-Client", "npm-0.19.1"), "The Convex npm package at version 0.19.1 is no longer supported."},
		{"client version not semver", "/api/query", list, hdr("Convex-Client", "npm-latest"), "The Convex npm package at version latest is no longer supported."},
		{"client version upgrade headers", "/api/query", list, hdr("Convex-Client", "python-0.1.0"), `"status":"success"`},
		{"unknown client accepted", "/api/query", list, hdr("Convex-Client", "my-go-client-0.1.0"), `"status":"success"`},
		// Authorization.
		{"short header", "/api/query", list, hdr("Authorization", "Bea"), `{"code":"InvalidHeaderFailure","message":"Invalid authentication header"}`},
		{"basic", "/api/query", list, hdr("Authorization", "Basic abc"), `"code":"InvalidAdminKey"`},
		// net/http trims the value: "Bearer " arrives as "Bearer".
		{"bearer alone", "/api/query", list, hdr("Authorization", "Bearer "), `"code":"InvalidHeaderFailure"`},
		{"bearer spaces", "/api/query", list, hdr("Authorization", "Bearer    x"), "Could not parse JWT payload."},
		{"wrong deploy key", "/api/query", list, hdr("Authorization", "Convex wrong"), `"code":"BadAdminKey"`},
		{"not a jwt", "/api/query", list, hdr("Authorization", "Bearer not-a-jwt"), "Could not parse JWT payload."},
		{"no issuer", "/api/query", list, hdr("Authorization", "Bearer "+unsignedJWT(`{"alg":"ES256","kid":"k"}`, `{"sub":"x"}`)), "Missing issuer claim"},
		{"foreign issuer", "/api/query", list, hdr("Authorization", "Bearer "+unsignedJWT(`{"alg":"ES256","kid":"k"}`, `{"iss":"https://evil.test","aud":"convex","sub":"x"}`)),
			`{"code":"NoAuthProvider","message":"No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=http://gw.test, app_id=convex)]"}`},
		{"foreign audience", "/api/query", list, hdr("Authorization", "Bearer "+unsignedJWT(`{"alg":"ES256","kid":"k"}`, `{"iss":"http://gw.test","aud":"other","sub":"x"}`)), `"code":"NoAuthProvider"`},
		{"unknown kid", "/api/query", list, hdr("Authorization", "Bearer "+unsignedJWT(`{"alg":"ES256","kid":"k9"}`, `{"iss":"http://gw.test","aud":"convex","sub":"x","exp":1900000000}`)),
			"Could not decode token. The JWT's 'kid' (key ID) header is 'k9', does this key match any key in the provider's JWKS?"},
		{"no kid", "/api/query", list, hdr("Authorization", "Bearer "+unsignedJWT(`{"alg":"ES256"}`, `{"iss":"http://gw.test","aud":"convex","sub":"x","exp":1900000000}`)), "JWT may be missing a 'kid'"},
		{"forged signature", "/api/query", list, hdr("Authorization", "Bearer "+string(forged)), "Could not decode token. The JWT's 'kid' (key ID) header is '"},
		// /api/run
		{"run query", "/api/run/msgs/list", `{"args":{}}`, ann, `"n":"3"`},
		{"run encoded", "/api/run/msgs/list", `{"args":{},"format":"convex_encoded_json"}`, ann, `"n":{"$integer":"AwAAAAAAAAA="}`},
		{"run old npm still json", "/api/run/msgs/list", `{"args":{}}`, hdr("Convex-Client", "npm-1.0.0"), `"n":"3"`},
		{"run mutation", "/api/run/msgs/send", `{"args":{"text":"via run"}}`, ann, `"sent via run"`},
		{"run action", "/api/run/msgs/act", `{"args":[{}]}`, ann, `"value":"1"`},
		{"run default export", "/api/run/msgs/default", `{"args":{}}`, ann, `"default"`},
		{"run escaped slash", "/api/run/msgs%2Flist", `{"args":{}}`, ann, `"status":"success"`},
		{"run one segment", "/api/run/list", `{"args":{}}`, ann, `{"code":"MissingIdentifier","message":"Path or function name not provided in path, e.g. /api/run/messages/list"}`},
		{"run trailing slash", "/api/run/msgs/list/", `{"args":{}}`, ann, "Identifier cannot be empty"},
		{"run bad segment", "/api/run/a%20b/c", `{"args":{}}`, ann, "a b:c is not a valid path to a Convex function. Path component a b.js can only contain"},
		{"run missing", "/api/run/nothere/x", `{"args":{}}`, ann, "Could not find function for 'nothere:x'. Did you forget to run `npx convex dev`?"},
		{"run internal", "/api/run/secret/get", `{"args":{}}`, ann, "Could not find function for 'secret:get'."},
		{"run auth before identifier", "/api/run/list", `{"args":{}}`, hdr("Authorization", "Bearer x"), "Could not parse JWT payload."},
		{"run body", "/api/run/msgs/list", `{}`, ann, "missing field `args`"},
		{"run bad format", "/api/run/msgs/list", `{"args":{},"format":"x"}`, ann, `"code":"BadFormat"`},
		{"run bad format missing", "/api/run/nothere/x", `{"args":{},"format":"x"}`, ann, `"code":"BadFormat"`},
		// /api/query_ts and /api/query_at_ts (consistentQuery)
		{"query_ts", "/api/query_ts", ``, nil, `{"ts":"`},
		{"query_ts ignores auth", "/api/query_ts", ``, hdr("Authorization", "Bea"), `{"ts":`},
		{"query_ts client version", "/api/query_ts", ``, hdr("Convex-Client", "npm"), `InvalidClientVersion`},
		{"query_at_ts", "/api/query_at_ts", `{"path":"msgs:list","args":[{}],"ts":"` + tsNow + `","format":"convex_encoded_json"}`, ann, `"who":"u_ann"`},
		{"query_at_ts default json", "/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"` + tsNow + `"}`, ann, `"n":"3"`},
		{"query_at_ts out of retention", "/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"` + tsOld + `"}`, ann,
			`{"code":"InternalServerError","message":"Your request couldn't be completed. Try again later."}`},
		{"query_at_ts junk ts", "/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"junk"}`, ann, `"code":"InternalServerError"`},
		{"query_at_ts future ts", "/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"` + tsFuture + `"}`, ann, `"code":"InternalServerError"`},
		{"query_at_ts missing ts", "/api/query_at_ts", `{"path":"msgs:list","args":{}}`, ann, "missing field `ts`"},
		{"query_at_ts bad path", "/api/query_at_ts", `{"path":"a b:c","args":{},"ts":"junk"}`, ann, `BadConvexFunctionIdentifier`},
		{"query_at_ts missing", "/api/query_at_ts", `{"path":"nothere:x","args":{},"ts":"` + tsNow + `"}`, ann, "Could not find public function for 'nothere:x'."},
		{"query_at_ts bad token", "/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"junk"}`, hdr("Authorization", "Bearer x"), "Could not parse JWT payload."},
		// /api/query_batch
		{"batch", "/api/query_batch", `{"queries":[{"path":"msgs:list","args":{},"format":"convex_encoded_json"},{"path":"nothere:x","args":{}},{"path":"msgs:boom","args":{}},{"path":"msgs:list","args":{},"format":"export_json"}]}`, ann,
			`"errorData":{"code":"NOPE","n":"7"}`},
		{"batch internal", "/api/query_batch", `{"queries":[{"path":"secret:get","args":{}}]}`, ann, "Could not find public function for 'secret:get'."},
		{"batch empty", "/api/query_batch", `{"queries":[]}`, ann, `{"results":[]}`},
		{"batch bad format", "/api/query_batch", `{"queries":[{"path":"msgs:list","args":{}},{"path":"msgs:list","args":{},"format":"x"}]}`, ann, `"code":"BadFormat"`},
		{"batch bad path", "/api/query_batch", `{"queries":[{"path":"msgs:list","args":{}},{"path":"a b:c","args":{}}]}`, ann, `BadConvexFunctionIdentifier`},
		{"batch format before path", "/api/query_batch", `{"queries":[{"path":"a b:c","args":{},"format":"x"}]}`, ann, `"code":"BadFormat"`},
		{"batch auth first", "/api/query_batch", `{"queries":[{"path":"a b:c","args":{}}]}`, hdr("Authorization", "Bearer x"), "Could not parse JWT payload."},
		{"batch body", "/api/query_batch", `{"queries":5}`, ann, "expected a sequence"},
		{"batch entry body", "/api/query_batch", `{"queries":[{"path":"msgs:list"}]}`, ann, "missing field `args`"},
		// /api/function
		{"function anonymous", "/api/function", `{"path":"msgs:list","args":{}}`, nil, `{"code":"BadDeployKey","message":"The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment."}`},
		{"function user", "/api/function", `{"componentPath":"waitlist","path":"msgs:list","args":{}}`, ann, `"code":"BadDeployKey"`},
		{"function bad token", "/api/function", `{"path":"msgs:list","args":{}}`, hdr("Authorization", "Bearer x"), "Could not parse JWT payload."},
		{"function body", "/api/function", `{"args":{}}`, nil, "missing field `path`"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := e.post(e.gw, tc.path, tc.body, tc.hdr)
			d := e.post(e.dep, tc.path, tc.body, tc.hdr)
			if g.status != d.status || g.body != d.body {
				t.Fatalf("gateway %d %s\nconvex  %d %s", g.status, g.body, d.status, d.body)
			}
			for _, h := range []string{convextest.HeaderDeprecationState, convextest.HeaderDeprecationMessage} {
				if g.hdr.Get(h) != d.hdr.Get(h) {
					t.Errorf("%s: gateway %q, convex %q", h, g.hdr.Get(h), d.hdr.Get(h))
				}
			}
			if !strings.Contains(g.body, tc.want) {
				t.Fatalf("answer %s lacks %s", g.body, tc.want)
			}
		})
	}
	if g := e.post(e.gw, "/api/query", list, hdr("Convex-Client", "python-0.1.0")); g.hdr.Get(convextest.HeaderDeprecationState) != "UpgradeRequired" {
		t.Errorf("deprecation headers missing: %v", g.hdr)
	}
	// Token times, on the shared clock: expired, and issued in the future.
	same := func(name, want string, h map[string]string) {
		t.Helper()
		g, d := e.post(e.gw, "/api/query", list, h), e.post(e.dep, "/api/query", list, h)
		if g.status != d.status || g.body != d.body || !strings.Contains(g.body, want) {
			t.Errorf("%s:\ngateway %d %s\nconvex  %d %s", name, g.status, g.body, d.status, d.body)
		}
	}
	e.advance(11 * time.Minute)
	same("expired", `"message":"Could not validate token: Token expired 60 seconds ago"`, ann)
	e.advance(-12 * time.Minute)
	same("issued in the future", `"message":"Could not validate token: Token will be valid in 60 seconds"`, bob)
}

// TestPassthroughGatewayOnly: the answers that differ from a deployment's
// on purpose: functions the Exposure does not allow look missing through
// every route, deploy keys are never accepted from callers, and the tokens
// of a revoked session are refused.
func TestPassthroughGatewayOnly(t *testing.T) {
	e := newPTEnv(t, IdentityJWT)
	ann := map[string]string{"Authorization": "Bearer " + e.token("u_ann")}
	ts := convexclient.Timestamp(e.clock().UnixNano()).String()
	missing := func(path string, anyKind bool) string {
		return string(appendMissingFunction(nil, ptRID, mustPath(t, path), anyKind))
	}
	cases := []struct {
		name, path, body string
		hdr              map[string]string
		status           int
		want             string
	}{
		{"query", "/api/query", `{"path":"hidden:list","args":{}}`, ann, 200, missing("hidden:list", false)},
		{"mutation", "/api/mutation", `{"path":"hidden.js:list","args":{}}`, nil, 200, missing("hidden:list", false)},
		{"action", "/api/action", `{"path":"hidden:list","args":{}}`, ann, 200, missing("hidden:list", false)},
		{"run", "/api/run/hidden/list", `{"args":{}}`, ann, 200, missing("hidden:list", true)},
		{"query_at_ts", "/api/query_at_ts", `{"path":"hidden:list","args":{},"ts":"` + ts + `"}`, ann, 200, missing("hidden:list", false)},
		{"batch", "/api/query_batch", `{"queries":[{"path":"hidden:list","args":{}},{"path":"msgs","args":{}}]}`, ann, 200,
			`{"results":[` + missing("hidden:list", false) + `,{"status":"success","value":"default"}]}`},
		{"deploy key", "/api/query", `{"path":"secret:get","args":{}}`, map[string]string{"Authorization": "Convex test:key"}, 401,
			`{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}`},
		{"deploy key function", "/api/function", `{"path":"secret:get","args":{}}`, map[string]string{"Authorization": "Convex test:key"}, 401, `"code":"BadAdminKey"`},
	}
	for _, tc := range cases {
		g := e.post(e.gw, tc.path, tc.body, tc.hdr)
		if g.status != tc.status || g.body != tc.want && !strings.HasPrefix(tc.want, `"code"`) || !strings.Contains(g.body, tc.want) {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, g.status, g.body, tc.status, tc.want)
		}
	}
	// A revoked session's token is refused before it expires.
	_, s, err := e.d.Sessions.Issue(context.Background(), auth.SessionUser{UserID: "u_cat"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := e.tokens.Issue(auth.TokenUser{Subject: "u_cat", SessionID: s.ID})
	if err != nil {
		t.Fatal(err)
	}
	cat := map[string]string{"Authorization": "Bearer " + tok}
	const list = `{"path":"msgs:list","args":{}}`
	if g := e.post(e.gw, "/api/query", list, cat); g.status != 200 || !strings.Contains(g.body, `"who":"u_cat"`) {
		t.Fatalf("live session: %d %s", g.status, g.body)
	}
	if err := e.d.Sessions.Revoke(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if g := e.post(e.gw, "/api/query", list, cat); g.status != 401 || !strings.HasPrefix(g.body, `{"code":"InvalidAuthHeader","message":"Could not verify token claim.`) {
		t.Fatalf("revoked session: %d %s", g.status, g.body)
	}
}

func mustPath(t *testing.T, s string) backend.Path {
	t.Helper()
	p, err := backend.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPassthroughAdminMode: acting as the caller with the deploy key gives
// the functions the same identity, on every route that calls them.
func TestPassthroughAdminMode(t *testing.T) {
	e := newPTEnv(t, IdentityAdmin)
	ann := map[string]string{"Authorization": "Bearer " + e.token("u_ann")}
	ts := convexclient.Timestamp(e.clock().UnixNano()).String()
	for _, tc := range []struct{ path, body string }{
		{"/api/query", `{"path":"msgs:list","args":{}}`},
		{"/api/run/msgs/list", `{"args":{}}`},
		{"/api/query_at_ts", `{"path":"msgs:list","args":{},"ts":"` + ts + `"}`},
		{"/api/query_batch", `{"queries":[{"path":"msgs:list","args":{}},{"path":"secret:get","args":{}}]}`},
		{"/api/mutation", `{"path":"secret:get","args":{}}`},
	} {
		g, d := e.post(e.gw, tc.path, tc.body, ann), e.post(e.dep, tc.path, tc.body, ann)
		if g.status != d.status || g.body != d.body {
			t.Errorf("%s:\ngateway %d %s\nconvex  %d %s", tc.path, g.status, g.body, d.status, d.body)
		}
	}
}
