package convextest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServeHTTP feeds arbitrary paths, bodies and Authorization headers
// through the full request handling: it must never panic or answer 5xx, and
// every answer must be JSON in one of the backend's two shapes.
func FuzzServeHTTP(f *testing.F) {
	seeds := []struct{ endpoint, body, auth string }{
		{"/api/query", `{"path":"tasks:list","args":{},"format":"convex_encoded_json"}`, ""},
		{"/api/mutation", `{"path":"tasks.js:create","args":[{"title":"a","priority":{"$integer":"AQAAAAAAAAA="}}]}`, "Convex " + testKey},
		{"/api/query", `{"path":"tasks:list","args":{"$foo":1}}`, "Bearer x"},
		{"/api/run/tasks/list", `{"args":{},"format":"xml"}`, ""},
		{"/api/function", `{"path":"users:getPasswordHash","args":{}}`, "Convex " + testKey + ":e30="},
		{"/api/query", `{"path":"a b","args":5}`, "Basic x"},
		{"/api/action", `{"path":"tasks:act","args":[]}`, "Convex wrong"},
	}
	for _, s := range seeds {
		f.Add(s.endpoint, s.body, s.auth)
	}
	d := NewDeployment(Options{AdminKey: testKey})
	d.Query("tasks:list", func(_ context.Context, c *Call) (any, error) { return json.RawMessage(c.Args), nil })
	d.Mutation("tasks:create", func(_ context.Context, c *Call) (any, error) {
		var v map[string]any
		return v, c.Bind(&v)
	})
	d.Action("tasks:act", func(context.Context, *Call) (any, error) { return nil, ConvexError(map[string]any{"code": "X"}) })
	d.Query("users:getPasswordHash", func(context.Context, *Call) (any, error) { return "h", nil }, Internal())
	f.Fuzz(func(t *testing.T, endpoint, body, auth string) {
		if !strings.HasPrefix(endpoint, "/") || strings.ContainsAny(endpoint, " \t\r\n?#%") {
			return
		}
		if _, err := url.Parse("http://fake" + endpoint); err != nil {
			return // not a request an HTTP server could receive
		}
		req := httptest.NewRequest("POST", "http://fake"+endpoint, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" && !strings.ContainsAny(auth, "\r\n\x00") {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		var shape map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &shape); err != nil {
			t.Fatalf("answer is not a JSON object: %q", rec.Body)
		}
		_, hasStatus := shape["status"]
		_, hasCode := shape["code"]
		if hasStatus == hasCode {
			t.Fatalf("unexpected answer shape: %s", rec.Body)
		}
		d.ClearCalls()
	})
}
