package convextest

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// apiFixture is a deployment with a counter, a component and an injected
// clock, for the snapshot, batch, function and run endpoints.
type apiFixture struct {
	*Server
	counter atomic.Int64
	mu      sync.Mutex
	now     time.Time
}

func (f *apiFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *apiFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	f := &apiFixture{now: time.Unix(1_800_000_000, 0)}
	d := NewDeployment(Options{AdminKey: testKey, Now: f.clock, VerifyToken: func(tok string) (*convexclient.Identity, error) {
		if tok == "good" {
			return &convexclient.Identity{Subject: "u9", Issuer: "https://issuer"}, nil
		}
		return nil, &AuthError{Code: "InvalidAuthHeader", Message: "Could not decode token. JWT may be missing a 'kid' (key ID) header."}
	}})
	d.Query("counter:get", func(context.Context, *Call) (any, error) { return f.counter.Load(), nil })
	d.Query("counter:ts", func(_ context.Context, c *Call) (any, error) { return int64(c.Timestamp), nil })
	d.Mutation("counter:add", func(context.Context, *Call) (any, error) { return f.counter.Add(1), nil })
	d.Action("counter:act", func(context.Context, *Call) (any, error) { return "acted", nil })
	d.Query("counter:fail", func(context.Context, *Call) (any, error) { return nil, ConvexError("nope") })
	d.Query("counter:negzero", func(context.Context, *Call) (any, error) {
		return []any{convexclient.Float64(negZero()), int64(5), []byte{1}}, nil
	})
	d.Query("counter", func(context.Context, *Call) (any, error) { return "default", nil })
	d.Query("secret:get", func(context.Context, *Call) (any, error) { return "s3cret", nil }, Internal())
	d.Query("lib:size", func(_ context.Context, c *Call) (any, error) { return c.Component + ":" + c.Path, nil }, InComponent("waitlist"))
	d.Query("lib:inner", func(_ context.Context, c *Call) (any, error) { return c.Component, nil }, InComponent("waitlist/inner"))
	f.Server = NewServer(d)
	t.Cleanup(f.Close)
	return f
}

func negZero() float64 { z := 0.0; return -z }

// postH sends body with headers and returns the status, body and headers.
func postH(t *testing.T, url, path, body string, h hdr) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Convex-Request-Id", "rid1")
	for k, v := range h {
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
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func tsString(ns int64) string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(ns))
	return base64.StdEncoding.EncodeToString(b[:])
}

const (
	msgBadDeployKey = "The provided deploy key was invalid for this deployment. Double check that the environment this key was generated for matches the desired deployment."
	msgInternal     = "Your request couldn't be completed. Try again later."
	msgMissingID    = "Path or function name not provided in path, e.g. /api/run/messages/list"
)

func code(c, m string) string {
	b, _ := json.Marshal(map[string]string{"code": c, "message": m})
	return string(b)
}

// TestEndpoints: every endpoint and error, with the backend's status,
// code and message (convex-backend crates/local_backend/src/public_api.rs
// and the files cited next to each text in the package).
func TestEndpoints(t *testing.T) {
	f := newAPIFixture(t)
	now := f.now.UnixNano()
	admin := hdr{"Authorization": "Convex " + testKey}
	acting := hdr{"Authorization": "Convex " + testKey + ":" + base64.StdEncoding.EncodeToString([]byte(`{"subject":"u1","issuer":"https://i"}`))}
	user := hdr{"Authorization": "Bearer good"}
	tests := []struct {
		name, endpoint, body string
		h                    hdr
		status               int
		want                 string // exact body; a leading '~' means a regexp
	}{
		// query_ts: no credentials, no body.
		{"query_ts", "/api/query_ts", ``, nil, 200, `{"ts":"` + tsString(now) + `"}`},
		{"query_ts ignores auth", "/api/query_ts", `junk`, hdr{"Authorization": "x", "Content-Type": "text/plain"}, 200, `{"ts":"` + tsString(now) + `"}`},
		// query_at_ts
		{"at ts", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"` + tsString(now) + `"` + enc + `}`, nil, 200, `{"status":"success","value":{"$integer":"AAAAAAAAAAA="}}`},
		{"at ts reads at ts", "/api/query_at_ts", `{"path":"counter:ts","args":{},"ts":"` + tsString(now-5) + `"}`, nil, 200, `{"status":"success","value":"` + itoa(now-5) + `"}`},
		{"at ts 10s old", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"` + tsString(now-int64(10*time.Second)) + `"}`, nil, 200, `{"status":"success","value":"0"}`},
		{"at ts out of retention", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"` + tsString(now-int64(10*time.Second)-1) + `"}`, nil, 503, code("InternalServerError", msgInternal)},
		{"at ts out of retention, missing function", "/api/query_at_ts", `{"path":"counter:nope","args":{},"ts":"` + tsString(1) + `"}`, nil, 503, code("InternalServerError", msgInternal)},
		{"at ts in the future", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"` + tsString(now+int64(time.Hour)) + `"}`, nil, 500, code("InternalServerError", msgInternal)},
		{"at ts not base64", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"!!"}`, nil, 500, code("InternalServerError", msgInternal)},
		{"at ts 4 bytes", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"AAAAAA=="}`, nil, 500, code("InternalServerError", msgInternal)},
		{"at ts missing ts", "/api/query_at_ts", `{"path":"counter:get","args":{}}`, nil, 400, `~^\{"code":"BadJsonBody","message":"Failed to deserialize the JSON body into the target type: missing field ` + "`ts`" + ` at line 1 column \d+"\}$`},
		{"at ts bad path before auth", "/api/query_at_ts", `{"path":"a b:c","args":{},"ts":"AA"}`, hdr{"Authorization": "Convex wrong"}, 400,
			code("BadConvexFunctionIdentifier", "a b:c is not a valid path to a Convex function. Path component a b.js can only contain alphanumeric characters, underscores, or periods.")},
		{"at ts auth before ts", "/api/query_at_ts", `{"path":"counter:get","args":{},"ts":"!!"}`, hdr{"Authorization": "Convex wrong"}, 401, code("BadAdminKey", "The provided admin key was invalid for this instance")},
		{"at ts not found", "/api/query_at_ts", `{"path":"counter:nope","args":{},"ts":"` + tsString(now) + `"}`, nil, 200, errBody("Could not find public function for 'counter:nope'.")},
		{"at ts mutation", "/api/query_at_ts", `{"path":"counter:add","args":{},"ts":"` + tsString(now) + `"}`, nil, 200, errBody("Trying to execute counter.js:add as Query, but it is defined as Mutation.")},
		{"at ts bad format after run", "/api/query_at_ts", `{"path":"counter:nope","args":{},"ts":"` + tsString(now) + `","format":"xml"}`, nil, 400, code("BadFormat", "format param must be one of [`json`]. Got xml")},
		// query_batch
		{"batch", "/api/query_batch", `{"queries":[{"path":"counter:get","args":{}` + enc + `},{"path":"counter:fail","args":{}},{"path":"counter","args":[{}]}]}`, nil, 200,
			`{"results":[{"status":"success","value":{"$integer":"AAAAAAAAAAA="}},` +
				`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught ConvexError: nope\n","errorData":"nope"},` +
				`{"status":"success","value":"default"}]}`},
		{"batch empty", "/api/query_batch", `{"queries":[]}`, nil, 200, `{"results":[]}`},
		{"batch bad format fails all", "/api/query_batch", `{"queries":[{"path":"counter:get","args":{}},{"path":"counter:get","args":{},"format":"xml"}]}`, nil, 400,
			code("BadFormat", "format param must be one of [`json`]. Got xml")},
		{"batch bad path fails all", "/api/query_batch", `{"queries":[{"path":"counter:get","args":{}},{"path":"counter:","args":{}}]}`, nil, 400,
			code("BadConvexFunctionIdentifier", "counter: is not a valid path to a Convex function. Identifier cannot be empty")},
		{"batch auth", "/api/query_batch", `{"queries":[{"path":"counter:","args":{}}]}`, hdr{"Authorization": "Convex wrong"}, 401, code("BadAdminKey", "The provided admin key was invalid for this instance")},
		{"batch internal needs key", "/api/query_batch", `{"queries":[{"path":"secret:get","args":{}}]}`, nil, 200, `{"results":[` + errBody("Could not find public function for 'secret:get'.") + `]}`},
		{"batch internal with key", "/api/query_batch", `{"queries":[{"path":"secret:get","args":{}}]}`, admin, 200, `{"results":[{"status":"success","value":"s3cret"}]}`},
		{"batch mutation", "/api/query_batch", `{"queries":[{"path":"counter:add","args":{}}]}`, nil, 200, `{"results":[` + errBody("Trying to execute counter.js:add as Query, but it is defined as Mutation.") + `]}`},
		{"batch missing queries", "/api/query_batch", `{}`, nil, 400, `~missing field ` + "`queries`"},
		{"batch entry missing args", "/api/query_batch", `{"queries":[{"path":"counter:get"}]}`, nil, 400, `~missing field ` + "`args`"},
		// function
		{"function anonymous", "/api/function", `{"path":"counter:get","args":{}}`, nil, 403, code("BadDeployKey", msgBadDeployKey)},
		{"function user", "/api/function", `{"path":"counter:get","args":{}}`, user, 403, code("BadDeployKey", msgBadDeployKey)},
		{"function bad token before key check", "/api/function", `{"path":"counter:get","args":{}}`, hdr{"Authorization": "Bearer bad"}, 401,
			code("InvalidAuthHeader", "Could not decode token. JWT may be missing a 'kid' (key ID) header.")},
		{"function deploy key before path", "/api/function", `{"path":"a b:c","args":{}}`, nil, 403, code("BadDeployKey", msgBadDeployKey)},
		{"function admin bad path", "/api/function", `{"path":"a b:c","args":{}}`, admin, 400,
			code("BadConvexFunctionIdentifier", "a b:c is not a valid path to a Convex function. Path component a b.js can only contain alphanumeric characters, underscores, or periods.")},
		{"function admin", "/api/function", `{"path":"counter:add","args":{}` + enc + `}`, admin, 200, `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}`},
		{"function internal admin", "/api/function", `{"path":"secret:get","args":{}}`, admin, 200, `{"status":"success","value":"s3cret"}`},
		{"function internal acting", "/api/function", `{"path":"secret:get","args":{}}`, acting, 200,
			errBody("Could not find function for 'secret:get'. Did you forget to run `npx convex dev`?")},
		{"function component", "/api/function", `{"componentPath":"waitlist","path":"lib:size","args":{}}`, admin, 200, `{"status":"success","value":"waitlist:lib:size"}`},
		{"function nested component", "/api/function", `{"componentPath":"waitlist/inner","path":"lib.js:inner","args":{}}`, admin, 200, `{"status":"success","value":"waitlist/inner"}`},
		{"function root componentPath", "/api/function", `{"componentPath":"","path":"counter","args":{}}`, admin, 200, `{"status":"success","value":"default"}`},
		{"function null componentPath", "/api/function", `{"componentPath":null,"path":"counter","args":{}}`, admin, 200, `{"status":"success","value":"default"}`},
		{"function component not at root", "/api/function", `{"path":"lib:size","args":{}}`, admin, 200,
			errBody("Could not find function for 'lib:size'. Did you forget to run `npx convex dev`?")},
		{"function component missing", "/api/function", `{"componentPath":"waitlist","path":"lib:nope","args":{}}`, admin, 200,
			errBody("Could not find function for 'lib:nope' in 'waitlist'. Did you forget to run `npx convex dev`?")},
		{"function bad component", "/api/function", `{"componentPath":"1x","path":"lib:size","args":{}}`, admin, 400,
			code("InvalidComponentPath", "Invalid first character '1' in 1x: Identifiers must start with an alphabetic character or underscore")},
		{"function default export stripped", "/api/function", `{"path":"nope.js","args":{}}`, admin, 200,
			errBody("Could not find function for 'nope'. Did you forget to run `npx convex dev`?")},
		// run
		{"run query", "/api/run/counter/get", `{"args":{}}`, nil, 200, `{"status":"success","value":"1"}`}, // "function admin" added 1
		{"run mutation", "/api/run/counter/add", `{"args":{}}`, nil, 200, `{"status":"success","value":"2"}`},
		{"run action", "/api/run/counter/act", `{"args":{}}`, nil, 200, `{"status":"success","value":"acted"}`},
		{"run default export", "/api/run/counter/default", `{"args":{}}`, nil, 200, `{"status":"success","value":"default"}`},
		{"run one segment", "/api/run/counter", `{"args":{}}`, nil, 400, code("MissingIdentifier", msgMissingID)},
		{"run one segment, bad key first", "/api/run/counter", `{"args":{}}`, hdr{"Authorization": "Convex wrong"}, 401, code("BadAdminKey", "The provided admin key was invalid for this instance")},
		{"run trailing slash", "/api/run/counter/get/", `{"args":{}}`, nil, 400,
			code("BadConvexFunctionIdentifier", "counter/get: is not a valid path to a Convex function. Identifier cannot be empty")},
		{"run escaped separator", "/api/run/counter%2Fget", `{"args":{}}`, nil, 200, `{"status":"success","value":"2"}`},
		{"run internal", "/api/run/secret/get", `{"args":{}}`, nil, 200, errBody("Could not find function for 'secret:get'. Did you forget to run `npx convex dev`?")},
		{"run internal acting", "/api/run/secret/get", `{"args":{}}`, acting, 200, `{"status":"success","value":"s3cret"}`},
		{"run body needs args", "/api/run/counter/get", `{}`, nil, 400, `~missing field ` + "`args`"},
		// Output formats and not-found texts.
		{"export_json prints -0 as -0.0", "/api/query", `{"path":"counter:negzero","args":{},"format":"export_json"}`, nil, 200, `{"status":"success","value":[-0.0,5,{"$bytes":"AQ=="}]}`},
		{"clean json -0", "/api/query", `{"path":"counter:negzero","args":{}}`, nil, 200, `{"status":"success","value":[-0.0,"5","AQ=="]}`},
		{"not found default export stripped", "/api/query", `{"path":"nope","args":{}}`, nil, 200, errBody("Could not find public function for 'nope'.")},
		{"not found .js stripped", "/api/query", `{"path":"nope.js:list","args":{}}`, nil, 200, errBody("Could not find public function for 'nope:list'.")},
		{"old npm default format is encoded", "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Convex-Client": "npm-1.3.0"}, 200, `{"status":"success","value":{"$integer":"AgAAAAAAAAA="}}`},
		{"npm 1.4.1 default format is json", "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Convex-Client": "npm-1.4.1"}, 200, `~^\{"status":"success","value":"\d+"\}$`},
		{"old npm run defaults to json", "/api/run/counter/get", `{"args":{}}`, hdr{"Convex-Client": "npm-1.3.0"}, 200, `~^\{"status":"success","value":"\d+"\}$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := postH(t, f.URL, tt.endpoint, tt.body, tt.h)
			if status != tt.status {
				t.Fatalf("status %d, want %d (body %s)", status, tt.status, body)
			}
			if strings.HasPrefix(tt.want, "~") {
				if !regexp.MustCompile(tt.want[1:]).MatchString(body) {
					t.Errorf("body %s does not match %s", body, tt.want[1:])
				}
			} else if body != tt.want {
				t.Errorf("body\n%s\nwant\n%s", body, tt.want)
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestCheckOrder: when a request has several faults, the backend's order
// decides which one is answered: client version, Authorization syntax,
// Content-Type and body, path, authentication, execution, format.
func TestCheckOrder(t *testing.T) {
	f := newAPIFixture(t)
	badPath := `{"path":"a b:c","args":{}}`
	tests := []struct {
		name, endpoint, body string
		h                    hdr
		status               int
		code                 string
	}{
		{"client version before auth syntax", "/api/query", badPath, hdr{"Convex-Client": "npm-0.1.0", "Authorization": "x"}, 400, "ClientVersionUnsupported"},
		{"client version on query_ts", "/api/query_ts", ``, hdr{"Convex-Client": "nodash"}, 400, "InvalidClientVersion"},
		{"client version on unknown route", "/api/nope", ``, hdr{"Convex-Client": "nodash"}, 400, "InvalidClientVersion"},
		{"auth syntax before content type", "/api/query", badPath, hdr{"Authorization": "x", "Content-Type": "text/plain"}, 400, "InvalidHeaderFailure"},
		{"acting identity before content type", "/api/query", badPath, hdr{"Authorization": "Convex " + testKey + ":!!", "Content-Type": "text/plain"}, 400, "HeaderParseFailure"},
		{"acting identity with a wrong key", "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Authorization": "Convex other|key:e30="}, 400, "HeaderParseFailure"},
		{"content type before path", "/api/query", badPath, hdr{"Content-Type": "text/plain"}, 400, "BadJsonBody"},
		{"body before path", "/api/query", `{"path":"a b:c"}`, nil, 400, "BadJsonBody"},
		{"path before authentication", "/api/query", badPath, hdr{"Authorization": "Convex wrong"}, 400, "BadConvexFunctionIdentifier"},
		{"path before token", "/api/mutation", badPath, hdr{"Authorization": "Bearer bad"}, 400, "BadConvexFunctionIdentifier"},
		{"authentication before lookup", "/api/query", `{"path":"counter:nope","args":{}}`, hdr{"Authorization": "Bearer bad"}, 401, "InvalidAuthHeader"},
		{"format after a missing function", "/api/query", `{"path":"counter:nope","args":{},"format":"xml"}`, nil, 400, "BadFormat"},
		{"run: authentication before missing identifier", "/api/run/x", `{"args":{}}`, hdr{"Authorization": "Bearer bad"}, 401, "InvalidAuthHeader"},
		{"function: authentication before deploy key", "/api/function", badPath, hdr{"Authorization": "Convex wrong"}, 401, "BadAdminKey"},
	}
	for _, tt := range tests {
		status, body, _ := postH(t, f.URL, tt.endpoint, tt.body, tt.h)
		var b struct{ Code string }
		_ = json.Unmarshal([]byte(body), &b)
		if status != tt.status || b.Code != tt.code {
			t.Errorf("%s: %d %s, want %d %s", tt.name, status, body, tt.status, tt.code)
		}
	}
}

func TestDeprecationHeaders(t *testing.T) {
	f := newAPIFixture(t)
	status, body, h := postH(t, f.URL, "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Convex-Client": "python-0.1.0"})
	if status != 200 || h.Get(HeaderDeprecationState) != "UpgradeRequired" || !strings.HasPrefix(h.Get(HeaderDeprecationMessage), "The Convex python package at 0.1.0 is deprecated") {
		t.Errorf("upgrade required: %d %s %v", status, body, h)
	}
	status, body, h = postH(t, f.URL, "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Convex-Client": "npm-0.19.1"})
	want := "The Convex npm package at version 0.19.1 is no longer supported. Update your Convex npm version with `npx convex update` or `npm update`."
	if status != 400 || body != code("ClientVersionUnsupported", want) || h.Get(HeaderDeprecationState) != "Unsupported" || h.Get(HeaderDeprecationMessage) != want {
		t.Errorf("unsupported: %d %s %v", status, body, h)
	}
	if _, _, h = postH(t, f.URL, "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Convex-Client": "npm-1.48.0"}); h.Get(HeaderDeprecationState) != "" {
		t.Errorf("supported client got %v", h)
	}
}

// TestSnapshotConsistency: a query read at a snapshot answers the same
// after a write, while a fresh read sees the write; the snapshot expires
// with the retention window.
func TestSnapshotConsistency(t *testing.T) {
	f := newAPIFixture(t)
	_, body, _ := postH(t, f.URL, "/api/query_ts", ``, nil)
	var r struct{ TS string }
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(body)
	}
	at := `{"path":"counter:get","args":{},"ts":"` + r.TS + `"}`
	if _, body, _ := postH(t, f.URL, "/api/query_at_ts", at, nil); body != `{"status":"success","value":"0"}` {
		t.Fatalf("at ts: %s", body)
	}
	if _, body, _ := postH(t, f.URL, "/api/mutation", `{"path":"counter:add","args":{}}`, nil); body != `{"status":"success","value":"1"}` {
		t.Fatalf("mutation: %s", body)
	}
	if _, body, _ := postH(t, f.URL, "/api/query_at_ts", at, nil); body != `{"status":"success","value":"0"}` {
		t.Errorf("snapshot read after a write: %s", body)
	}
	if _, body, _ := postH(t, f.URL, "/api/query", `{"path":"counter:get","args":{}}`, nil); body != `{"status":"success","value":"1"}` {
		t.Errorf("fresh read: %s", body)
	}
	_, body, _ = postH(t, f.URL, "/api/query_ts", ``, nil)
	var r2 struct{ TS string }
	_ = json.Unmarshal([]byte(body), &r2)
	if r2.TS == r.TS {
		t.Error("the timestamp did not advance past the write")
	}
	f.advance(10*time.Second + time.Nanosecond)
	if status, body, _ := postH(t, f.URL, "/api/query_at_ts", at, nil); status != 503 || body != code("InternalServerError", msgInternal) {
		t.Errorf("expired snapshot: %d %s", status, body)
	}
}

// TestBatchReadsAtOneTimestamp: every query of a batch sees the same
// timestamp, one call is recorded per query.
func TestBatchReadsAtOneTimestamp(t *testing.T) {
	f := newAPIFixture(t)
	f.advance(time.Second)
	_, body, _ := postH(t, f.URL, "/api/query_batch", `{"queries":[{"path":"counter:ts","args":{}},{"path":"counter:ts","args":{"x":1}}]}`, nil)
	want := `{"status":"success","value":"` + itoa(f.clock().UnixNano()) + `"}`
	if body != `{"results":[`+want+`,`+want+`]}` {
		t.Errorf("batch %s", body)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[0].Endpoint != EndpointQueryBatch || calls[1].Path != "counter:ts" || string(calls[1].Args) != `{"x":1.0}` || calls[1].Kind != convexclient.KindQuery {
		t.Errorf("recorded %+v", calls)
	}
}

// TestArgsLimits: the backend's value limits on arguments and their texts.
func TestArgsLimits(t *testing.T) {
	f := newAPIFixture(t)
	nested := func(n int) string { return strings.Repeat(`{"a":`, n) + `1` + strings.Repeat(`}`, n) }
	arr := func(n int) string { return `[` + strings.TrimSuffix(strings.Repeat(`0,`, n), ",") + `]` }
	fields := func(n int) string {
		var b strings.Builder
		b.WriteByte('{')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"f` + itoa(int64(i)) + `":1`)
		}
		return b.String() + "}"
	}
	tests := []struct{ args, want string }{
		{nested(63), ""},
		{nested(64), "Value is too nested (nested 65 levels deep > maximum nesting 64)"},
		{`[` + nested(63) + `]`, ""},
		{`{"xs":` + arr(8192) + `}`, ""},
		{`{"xs":` + arr(8193) + `}`, "Array length is too long (8193 > maximum length 8192)"},
		{fields(1024), ""},
		{fields(1025), "Object has too many fields (1025 > maximum number 1024)"},
		{`{"n":{"$integer":"AQAAAAAAAAA="}}`, ""},
	}
	for _, tt := range tests {
		_, body, _ := postH(t, f.URL, "/api/query", `{"path":"counter:get","args":`+tt.args+`}`, nil)
		want := `{"status":"success","value":"0"}`
		if tt.want != "" {
			want = errBody("Invalid arguments for counter.js:get: " + tt.want)
		}
		if body != want {
			t.Errorf("args %.40s...: %.300s, want %s", tt.args, body, want)
		}
	}
}

// TestConcurrentBatchAndWrites runs batches and mutations together (for
// the race detector; a batch holds writes off while it reads).
func TestConcurrentBatchAndWrites(t *testing.T) {
	f := newAPIFixture(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if i%2 == 0 {
					postH(t, f.URL, "/api/mutation", `{"path":"counter:add","args":{}}`, nil)
					continue
				}
				_, body, _ := postH(t, f.URL, "/api/query_batch", `{"queries":[{"path":"counter:get","args":{}},{"path":"counter:get","args":{"b":1}}]}`, nil)
				var r struct{ Results []struct{ Value string } }
				if err := json.Unmarshal([]byte(body), &r); err != nil || len(r.Results) != 2 || r.Results[0].Value != r.Results[1].Value {
					t.Errorf("batch disagrees: %s", body)
				}
			}
		}()
	}
	wg.Wait()
	if f.counter.Load() != 40 {
		t.Errorf("counter %d", f.counter.Load())
	}
}
