package convextest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestBadFormatRunsFunctionFirst(t *testing.T) {
	f := newFixture(t, Options{})
	status, _ := doPost(t, f.URL, "/api/mutation", `{"path":"tasks:create","args":{"title":"x"},"format":"bogus"}`, nil)
	if status != 400 || f.creates.Load() != 1 {
		t.Fatalf("status %d, creates %d; want 400 after the mutation ran", status, f.creates.Load())
	}
}

func TestBodyAndArgsLimits(t *testing.T) {
	f := newFixture(t, Options{})
	// Body over 16 MiB + 2000 bytes: 400 BadJsonBody.
	big := `{"path":"tasks:list","args":{"s":"` + strings.Repeat("a", 16<<20+2000) + `"}}`
	status, body := doPost(t, f.URL, "/api/query", big, nil)
	if status != 400 || !strings.Contains(body, `"BadJsonBody"`) {
		t.Errorf("oversize body: %d %s", status, body)
	}
	// Body within the limit but args over 16 MiB by Convex's size measure.
	args := `{"path":"tasks:list","args":{"s":"` + strings.Repeat("a", 16<<20) + `"}}`
	status, body = doPost(t, f.URL, "/api/query", args, nil)
	want := errBody("Arguments for tasks.js:list are too large (actual: 16.00 MiB, limit: 16 MiB)")
	if status != 200 || body != want {
		t.Errorf("oversize args: %d %.200s", status, body)
	}
}

func TestRequestIDAndAdminKeyParam(t *testing.T) {
	f := newFixture(t, Options{})
	status, body := doPost(t, f.URL, "/api/query?adminKey="+testKey, `{"path":"users:getPasswordHash","args":{}}`, hdr{"Convex-Request-Id": ""})
	if status != 200 || body != `{"status":"success","value":"$2a$10$hash"}` {
		t.Fatalf("adminKey param: %d %s", status, body)
	}
	_, body = doPost(t, f.URL, "/api/query", `{"path":"tasks:fail","args":{}}`, hdr{"Convex-Request-Id": ""})
	if !regexp.MustCompile(`^\{"status":"error","errorMessage":"\[Request ID: [0-9a-f]{16}\] Server Error`).MatchString(body) {
		t.Errorf("generated request id: %s", body)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[0].Auth != AuthAdmin || !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(calls[1].RequestID) {
		t.Errorf("calls %+v", calls)
	}
}

func TestMethodAndRoute(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := http.Get(f.URL + "/api/query")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	if status, _ := doPost(t, f.URL, "/api/nope", `{}`, nil); status != 404 {
		t.Errorf("unknown route: %d", status)
	}
}

func TestUserIdentity(t *testing.T) {
	verify := func(tok string) (*convexclient.Identity, error) {
		switch tok {
		case "good":
			return &convexclient.Identity{Subject: "u9", Issuer: "https://issuer"}, nil
		case "custom":
			return nil, &AuthError{Code: "InvalidAuthHeader", Message: "Could not validate token: Token expired"}
		}
		return nil, errors.New("bad signature")
	}
	f := newFixture(t, Options{VerifyToken: verify})
	tests := []struct {
		auth   string
		status int
		want   string
	}{
		{"Bearer good", 200, `{"status":"success","value":{"auth":"user","kind":"query","path":"auth:whoami","rid":"rid1","sub":"u9","tid":"https://issuer|u9"}}`},
		{"bearer good", 200, `{"status":"success","value":{"auth":"user","kind":"query","path":"auth:whoami","rid":"rid1","sub":"u9","tid":"https://issuer|u9"}}`},
		{"Bearer custom", 401, `{"code":"InvalidAuthHeader","message":"Could not validate token: Token expired"}`},
		{"Bearer other", 401, `{"code":"InvalidAuthHeader","message":"Could not verify token: bad signature"}`},
		{"", 200, `{"status":"success","value":{"auth":"none","kind":"query","path":"auth:whoami","rid":"rid1"}}`},
		{"Convex " + testKey, 200, `{"status":"success","value":{"auth":"admin","kind":"query","path":"auth:whoami","rid":"rid1"}}`},
		{actingHeader(t, convexclient.Identity{Subject: "u1", Issuer: "https://i"}), 200, `{"status":"success","value":{"auth":"acting","kind":"query","path":"auth:whoami","rid":"rid1","sub":"u1","tid":"https://i|u1"}}`},
		{actingHeader(t, convexclient.Identity{Subject: "u2", TokenIdentifier: "t|2"}), 200, `{"status":"success","value":{"auth":"acting","kind":"query","path":"auth:whoami","rid":"rid1","sub":"u2","tid":"t|2"}}`},
	}
	for _, tt := range tests {
		status, body := doPost(t, f.URL, "/api/query", `{"path":"auth:whoami","args":{}}`, hdr{"Authorization": tt.auth})
		if status != tt.status || body != tt.want {
			t.Errorf("%q: %d %s, want %d %s", tt.auth, status, body, tt.status, tt.want)
		}
	}
	calls := f.Calls()
	if calls[0].Auth != AuthUser || calls[0].Subject != "u9" || calls[2].Status != 401 || calls[6].Subject != "u1" {
		t.Errorf("recorded %+v", calls)
	}
}

func TestCallsRecorded(t *testing.T) {
	f := newFixture(t, Options{})
	doPost(t, f.URL, "/api/mutation", `{"path":"tasks.js:create","args":[{"title":"t","priority":{"$integer":"AQAAAAAAAAA="}}]}`, nil)
	doPost(t, f.URL, "/api/query", `{"path":"tasks:list","args":{"b":1,"a":2}}`, hdr{"Content-Type": "text/plain"})
	doPost(t, f.URL, "/api/query", `{"path":"tasks:list","args":{"b":1,"a":2}}`, nil)
	doPost(t, f.URL, "/api/run/admin/users/get", `{"args":{}}`, nil)
	want := []RecordedCall{
		{Endpoint: EndpointMutation, Kind: convexclient.KindMutation, Path: "tasks:create", Args: []byte(`{"priority":{"$integer":"AQAAAAAAAAA="},"title":"t"}`), Auth: AuthNone, RequestID: "rid1", Status: 200},
		{Endpoint: EndpointQuery, Kind: convexclient.KindQuery, Auth: AuthNone, RequestID: "rid1", Status: 400},
		{Endpoint: EndpointQuery, Kind: convexclient.KindQuery, Path: "tasks:list", Args: []byte(`{"a":2.0,"b":1.0}`), Auth: AuthNone, RequestID: "rid1", Status: 200},
		{Endpoint: EndpointRun, Path: "admin/users:get", Args: []byte(`{}`), Auth: AuthNone, RequestID: "rid1", Status: 200},
	}
	got := f.Calls()
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("calls\n%+v\nwant\n%+v", got, want)
	}
	f.ClearCalls()
	if len(f.Calls()) != 0 {
		t.Error("ClearCalls kept calls")
	}
}

// A long-running fake (dev mode, benchmarks) must not keep every call.
func TestMaxRecordedCalls(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		max, calls int
		want       []string // request ids kept
	}{
		{0, 3, []string{"r0", "r1", "r2"}},
		{2, 7, []string{"r5", "r6"}},
		{-1, 3, nil},
	} {
		d := NewDeployment(Options{MaxRecordedCalls: tc.max})
		d.Query("m:f", func(context.Context, *Call) (any, error) { return nil, nil })
		for i := range tc.calls {
			d.Do(ctx, Request{Endpoint: EndpointQuery, Path: "m:f", Args: []byte(`{}`), RequestID: fmt.Sprintf("r%d", i)})
		}
		var got []string
		for _, c := range d.Calls() {
			got = append(got, c.RequestID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("max %d after %d calls: kept %v, want %v", tc.max, tc.calls, got, tc.want)
		}
		d.mu.RLock()
		held := len(d.calls)
		d.mu.RUnlock()
		if tc.max != 0 && held > 2*max(tc.max, 0) {
			t.Errorf("max %d: %d calls held", tc.max, held)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, Options{})
	var wg sync.WaitGroup
	const n = 40
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				f.Inject("tasks:act", Fault{Status: 503, Times: 1})
			}
			path := []string{"tasks:list", "tasks:fail", "tasks:notFound"}[i%3]
			status, _ := doPost(t, f.URL, "/api/query", `{"path":"`+path+`","args":{}}`, nil)
			if status != 200 {
				t.Errorf("status %d", status)
			}
			f.Query(fmt.Sprintf("extra:f%d", i), func(context.Context, *Call) (any, error) { return nil, nil })
			_ = f.Calls()
		}()
	}
	wg.Wait()
	if len(f.Calls()) != n {
		t.Errorf("%d calls recorded, want %d", len(f.Calls()), n)
	}
}

func TestZeroDeployment(t *testing.T) {
	var d Deployment
	d.Inject("m:f", Fault{Status: 503, Times: 1})
	d.Mutation("m:f", func(context.Context, *Call) (any, error) { return "ok", nil })
	if resp := d.Do(context.Background(), Request{Endpoint: EndpointMutation, Path: "m:f", Args: []byte(`{}`)}); resp.Status != 503 {
		t.Errorf("fault: %d", resp.Status)
	}
	if resp := d.Do(context.Background(), Request{Endpoint: EndpointMutation, Path: "m:f", Args: []byte(`{}`)}); string(resp.Body) != `{"status":"success","value":"ok"}` {
		t.Errorf("call: %s", resp.Body)
	}
}
