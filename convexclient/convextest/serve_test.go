package convextest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

const testKey = "dev:test-deployment|secret"

type fixture struct {
	*Server
	creates atomic.Int64
}

// newFixture starts a deployment with the functions the tests call.
func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	if opts.AdminKey == "" {
		opts.AdminKey = testKey
	}
	d := NewDeployment(opts)
	f := &fixture{}
	d.Query("tasks:list", func(_ context.Context, c *Call) (any, error) {
		c.Logf("listing %d", 2)
		return []map[string]any{{"n": 1, "id": int64(7), "b": []byte{1}}, {"n": 2.5, "id": int64(8), "b": []byte{}}}, nil
	})
	d.Query("tasks", func(context.Context, *Call) (any, error) { return "default export", nil })
	d.Query("admin/users:get", func(context.Context, *Call) (any, error) { return 42, nil })
	d.Mutation("tasks:create", func(_ context.Context, c *Call) (any, error) {
		var args struct {
			Title    string `json:"title"`
			Priority int64  `json:"priority"`
		}
		if err := c.Bind(&args); err != nil {
			return nil, err
		}
		if args.Title == "" {
			return nil, ValidationError("Object is missing the required field `title`.")
		}
		f.creates.Add(1)
		return convexclient.Int64(args.Priority), nil
	})
	d.Query("tasks:fail", func(_ context.Context, c *Call) (any, error) {
		c.Logf("about to fail")
		return nil, errors.New("boom")
	})
	d.Query("tasks:notFound", func(context.Context, *Call) (any, error) {
		return nil, ConvexError(map[string]any{"message": "no task", "code": "NOT_FOUND", "n": int64(3)})
	})
	d.Query("tasks:plainConvexError", func(context.Context, *Call) (any, error) {
		return nil, ConvexError("just text")
	})
	d.Query("tasks:badValue", func(context.Context, *Call) (any, error) {
		return map[string]any{"$bad": 1}, nil
	})
	d.Query("tasks:panic", func(context.Context, *Call) (any, error) { panic("kaboom") })
	d.Query("tasks:special", func(context.Context, *Call) (any, error) {
		return []any{convexclient.Float64(-0.0 * -1), -1 * zero(), nanValue(), 1e21, "<&>\n"}, nil
	})
	d.Query("users:getPasswordHash", func(context.Context, *Call) (any, error) { return "$2a$10$hash", nil }, Internal())
	d.Query("auth:whoami", func(_ context.Context, c *Call) (any, error) {
		out := map[string]any{"auth": string(c.Auth), "rid": c.RequestID, "path": c.Path, "kind": c.Kind.String()}
		if c.Identity != nil {
			out["sub"] = c.Identity.Subject
			out["tid"] = c.Identity.TokenIdentifier
		}
		return out, nil
	})
	d.Action("tasks:act", func(context.Context, *Call) (any, error) { return nil, nil })
	f.Server = NewServer(d)
	t.Cleanup(f.Close)
	return f
}

func zero() float64 { return 0 }

func nanValue() float64 { var z float64; return z / z }

type hdr map[string]string

// doPost sends body to the fixture with Content-Type application/json and a
// fixed request id unless headers say otherwise.
func doPost(t *testing.T, url, path, body string, h hdr) (int, string) {
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
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	return resp.StatusCode, string(b)
}

func errBody(inner string) string {
	return `{"status":"error","errorMessage":"[Request ID: rid1] Server Error\n` + inner + `\n"}`
}

func actingHeader(t *testing.T, id convexclient.Identity) string {
	t.Helper()
	b, err := json.Marshal(id) // not EncodeIdentity: tests send invalid identities too
	if err != nil {
		t.Fatal(err)
	}
	return "Convex " + testKey + ":" + base64.StdEncoding.EncodeToString(b)
}

const enc = `,"format":"convex_encoded_json"`

// unsignedJWT is a token with the given payload and no valid signature.
func unsignedJWT(payload string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"k"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

func TestServeFunctions(t *testing.T) {
	f := newFixture(t, Options{})
	admin := hdr{"Authorization": "Convex " + testKey}
	listValue := `[{"b":{"$bytes":"AQ=="},"id":{"$integer":"BwAAAAAAAAA="},"n":1.0},{"b":{"$bytes":""},"id":{"$integer":"CAAAAAAAAAA="},"n":2.5}]`
	listOK := `{"status":"success","value":` + listValue + `,"logLines":["[LOG] listing 2"]}`
	tests := []struct {
		name, endpoint, body string
		h                    hdr
		status               int
		want                 string
	}{
		{"query object args", "/api/query", `{"path":"tasks:list","args":{}` + enc + `}`, nil, 200, listOK},
		{"legacy array args", "/api/query", `{"path":"tasks:list","args":[{}]` + enc + `}`, nil, 200, listOK},
		{"empty array args", "/api/query", `{"path":"tasks:list","args":[]` + enc + `}`, nil, 200, listOK},
		{".js path", "/api/query", `{"format":"convex_json","args":{},"path":"tasks.js:list"}`, nil, 200, listOK},
		{"default export", "/api/query", `{"path":"tasks","args":{}` + enc + `}`, nil, 200, `{"status":"success","value":"default export"}`},
		{"format absent is clean json", "/api/query", `{"path":"tasks:list","args":{}}`, nil, 200,
			`{"status":"success","value":[{"b":"AQ==","id":"7","n":1.0},{"b":"","id":"8","n":2.5}],"logLines":["[LOG] listing 2"]}`},
		{"format json", "/api/query", `{"path":"tasks:list","args":{},"format":"json"}`, nil, 200,
			`{"status":"success","value":[{"b":"AQ==","id":"7","n":1.0},{"b":"","id":"8","n":2.5}],"logLines":["[LOG] listing 2"]}`},
		{"special floats", "/api/query", `{"path":"tasks:special","args":{}` + enc + `}`, nil, 200,
			`{"status":"success","value":[0.0,{"$float":"AAAAAAAAAIA="},{"$float":"AAAAAAAA+H8="},1e21,"<&>\n"]}`},
		{"special floats clean", "/api/query", `{"path":"tasks:special","args":{}}`, nil, 200,
			`{"status":"success","value":[0.0,-0.0,"NaN",1e21,"<&>\n"]}`},
		{"mutation int64 result", "/api/mutation", `{"path":"tasks:create","args":{"title":"a","priority":{"$integer":"AwAAAAAAAAA="}}` + enc + `}`, nil, 200,
			`{"status":"success","value":{"$integer":"AwAAAAAAAAA="}}`},
		{"mutation float into int64", "/api/mutation", `{"path":"tasks:create","args":{"title":"a","priority":4}}`, nil, 200,
			`{"status":"success","value":"4"}`},
		{"missing function", "/api/query", `{"path":"tasks:nope","args":{}}`, nil, 200, errBody(`Could not find public function for 'tasks:nope'.`)},
		{"internal without key", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, nil, 200, errBody(`Could not find public function for 'users:getPasswordHash'.`)},
		{"unparsable token", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": "Bearer x.y.z"}, 401,
			`{"code":"InvalidAuthHeader","message":"Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots."}`},
		{"token without provider", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": "Bearer " + unsignedJWT(`{"iss":"https://i","sub":"u"}`)}, 401,
			`{"code":"NoAuthProvider","message":"No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts."}`},
		{"token without issuer", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": "Bearer " + unsignedJWT(`{"sub":"u"}`)}, 401,
			`{"code":"InvalidAuthHeader","message":"Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers."}`},
		{"internal with key", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, admin, 200, `{"status":"success","value":"$2a$10$hash"}`},
		{"internal acting", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": actingHeader(t, convexclient.Identity{Subject: "u1", Issuer: "https://i"})}, 200, `{"status":"success","value":"$2a$10$hash"}`},
		{"wrong kind", "/api/mutation", `{"path":"tasks:list","args":{}}`, nil, 200, errBody(`Trying to execute tasks.js:list as Mutation, but it is defined as Query.`)},
		{"action as query", "/api/query", `{"path":"tasks:act","args":{}}`, nil, 200, errBody(`Trying to execute tasks.js:act as Query, but it is defined as Action.`)},
		{"action", "/api/action", `{"path":"tasks:act","args":{}}`, nil, 200, `{"status":"success","value":null}`},
		{"uncaught error with logs", "/api/query", `{"path":"tasks:fail","args":{}}`, nil, 200,
			`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught Error: boom\n","logLines":["[LOG] about to fail"]}`},
		{"convex error object", "/api/query", `{"path":"tasks:notFound","args":{}` + enc + `}`, nil, 200,
			`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught ConvexError: {\"code\":\"NOT_FOUND\",\"message\":\"no task\",\"n\":\"3n\"}\n","errorData":{"code":"NOT_FOUND","message":"no task","n":{"$integer":"AwAAAAAAAAA="}}}`},
		{"convex error clean data", "/api/query", `{"path":"tasks:notFound","args":{}}`, nil, 200,
			`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught ConvexError: {\"code\":\"NOT_FOUND\",\"message\":\"no task\",\"n\":\"3n\"}\n","errorData":{"code":"NOT_FOUND","message":"no task","n":"3"}}`},
		{"convex error string", "/api/query", `{"path":"tasks:plainConvexError","args":{}}`, nil, 200,
			`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught ConvexError: just text\n","errorData":"just text"}`},
		{"validation error", "/api/mutation", `{"path":"tasks:create","args":{}}`, nil, 200, errBody("ArgumentValidationError: Object is missing the required field `title`.")},
		{"bind error", "/api/mutation", `{"path":"tasks:create","args":{"title":"a","priority":1.5}}`, nil, 200,
			errBody(`ArgumentValidationError: convexclient: invalid Convex value at priority: number 1.5 does not fit int64`)},
		{"invalid return value", "/api/query", `{"path":"tasks:badValue","args":{}}`, nil, 200,
			errBody(`Uncaught Error: function returned an invalid Convex value: convexclient: invalid Convex value: Field name $bad starts with a '$', which is reserved.`)},
		{"panic", "/api/query", `{"path":"tasks:panic","args":{}}`, nil, 200, errBody(`Uncaught Error: kaboom`)},
		{"invalid arg field", "/api/query", `{"path":"tasks:list","args":{"$foo":1}}`, nil, 200,
			errBody(`Invalid arguments for tasks.js:list: Field name $foo starts with a '$', which is reserved.`)},
		{"invalid nested arg", "/api/query", `{"path":"tasks:list","args":{"a":[{"$float":"AAAAAAAA+D8="}]}}`, nil, 200,
			errBody(`Invalid arguments for tasks.js:list: Float 1.5 should be encoded as a number (at a[0])`)},
		{"args not object", "/api/query", `{"path":"tasks:list","args":5}`, nil, 200, errBody(`Invalid arguments for tasks.js:list: args must be an object`)},
		{"args special object", "/api/query", `{"path":"tasks:list","args":{"$integer":"AQAAAAAAAAA="}}`, nil, 200, errBody(`Invalid arguments for tasks.js:list: args must be an object`)},
		{"args positional", "/api/query", `{"path":"tasks:list","args":[{},{}]}`, nil, 200, errBody(`Invalid arguments for tasks.js:list: expected one args object, got 2 positional arguments`)},
		{"bad format after run", "/api/mutation", `{"path":"tasks:create","args":{"title":"x"},"format":"xml"}`, nil, 400,
			"{\"code\":\"BadFormat\",\"message\":\"format param must be one of [`json`]. Got xml\"}"},
		{"export_json", "/api/query", `{"path":"tasks:list","args":{},"format":"export_json"}`, nil, 200,
			`{"status":"success","value":[{"b":{"$bytes":"AQ=="},"id":7,"n":1.0},{"b":{"$bytes":""},"id":8,"n":2.5}],"logLines":["[LOG] listing 2"]}`},
		{"malformed path", "/api/query", `{"path":"tasks:","args":{}}`, nil, 400, ""},
		{"malformed module", "/api/query", `{"path":"a b:c","args":{}}`, nil, 400, ""},
		{"ts extension", "/api/query", `{"path":"tasks.ts:list","args":{}}`, nil, 400, ""},
		{"run", "/api/run/tasks/list", `{"args":{}}`, nil, 200, `{"status":"success","value":[{"b":"AQ==","id":"7","n":1.0},{"b":"","id":"8","n":2.5}],"logLines":["[LOG] listing 2"]}`},
		{"run nested module", "/api/run/admin/users/get", `{"args":{}` + enc + `}`, nil, 200, `{"status":"success","value":42.0}`},
		{"run any kind", "/api/run/tasks/create", `{"args":{"title":"r"}}`, nil, 200, `{"status":"success","value":"0"}`},
		{"run missing", "/api/run/tasks/nope", `{"args":{}}`, nil, 200, errBody("Could not find function for 'tasks:nope'. Did you forget to run `npx convex dev`?")},
		{"run one segment", "/api/run/tasks", `{"args":{}}`, nil, 400, ""},
		{"function needs key", "/api/function", `{"path":"tasks:list","args":{}}`, nil, 403, ""},
		{"function with key", "/api/function", `{"path":"users:getPasswordHash","args":{}}`, admin, 200, `{"status":"success","value":"$2a$10$hash"}`},
		{"function acting internal", "/api/function", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": actingHeader(t, convexclient.Identity{Subject: "u1", Issuer: "https://i"})}, 200,
			errBody("Could not find function for 'users:getPasswordHash'. Did you forget to run `npx convex dev`?")},
		{"no content type", "/api/query", `{"path":"tasks:list","args":{}}`, hdr{"Content-Type": ""}, 400,
			"{\"code\":\"BadJsonBody\",\"message\":\"Expected request with `Content-Type: application/json`\"}"},
		{"text content type", "/api/query", `{"path":"tasks:list","args":{}}`, hdr{"Content-Type": "text/plain"}, 400,
			"{\"code\":\"BadJsonBody\",\"message\":\"Expected request with `Content-Type: application/json`\"}"},
		{"+json content type", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Content-Type": "application/vnd.api+json; charset=utf-8"}, 200, `{"status":"success","value":"default export"}`},
		{"bad json", "/api/query", `{"path":`, nil, 400, ""},
		{"missing path", "/api/query", `{"args":{}}`, nil, 400, ""},
		{"missing args", "/api/query", `{"path":"tasks:list"}`, nil, 400, ""},
		{"path not string", "/api/query", `{"path":1,"args":{}}`, nil, 400, ""},
		{"body not object", "/api/query", `[1]`, nil, 400, ""},
		{"short auth header", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": "Bear"}, 400, ""},
		{"basic auth", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": "Basic abc"}, 400, `{"code":"InvalidAdminKey","message":"Invalid admin key"}`},
		// HTTP strips the trailing space, so "Bearer " arrives as "Bearer" (too short).
		{"empty bearer", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": "Bearer "}, 400, ""},
		{"wrong key", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": "Convex dev:other|key"}, 401,
			`{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}`},
		{"key without type prefix", "/api/query", `{"path":"users:getPasswordHash","args":{}}`, hdr{"Authorization": "convex test-deployment|secret"}, 200, `{"status":"success","value":"$2a$10$hash"}`},
		{"bad acting identity", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": "Convex " + testKey + ":!!!"}, 400, ""},
		{"acting needs issuer", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Authorization": actingHeader(t, convexclient.Identity{Subject: "u1"})}, 400, ""},
		{"client version no dash", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Convex-Client": "gateway"}, 400, `{"code":"InvalidClientVersion","message":"Failed to parse client version string: 'gateway'. Expected format is {client_name}-{semver}, e.g. my-esolang-client-0.0.1"}`},
		{"client version npm junk", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Convex-Client": "npm-abc"}, 400, ""},
		{"client version ok", "/api/query", `{"path":"tasks","args":{}}`, hdr{"Convex-Client": "convexgw-go-0.1.0"}, 200, `{"status":"success","value":"default export"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := doPost(t, f.URL, tt.endpoint, tt.body, tt.h)
			if status != tt.status {
				t.Fatalf("status %d, want %d (body %s)", status, tt.status, body)
			}
			if tt.want != "" && body != tt.want {
				t.Errorf("body\n%s\nwant\n%s", body, tt.want)
			}
			if tt.want == "" && !regexp.MustCompile(`^\{"code":"[A-Za-z]+","message":".+"\}$`).MatchString(body) {
				t.Errorf("body %s is not {code,message}", body)
			}
		})
	}
}
