package convextest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

// TestRecordThenReplayDeployment records calls to a convextest Deployment
// through the Recorder, writes and re-reads the cassette, and checks that
// replaying the same calls gives the same statuses and bodies.
func TestRecordThenReplayDeployment(t *testing.T) {
	d := NewDeployment(Options{AdminKey: "dk", VerifyToken: func(tok string) (*convexclient.Identity, error) {
		sub, err := UnverifiedSubject(tok)
		return &convexclient.Identity{Subject: sub, Issuer: "https://x.test"}, err
	}})
	d.Query("users:me", func(_ context.Context, c *Call) (any, error) {
		if c.Identity == nil {
			return nil, ConvexError(map[string]any{"code": "UNAUTHENTICATED"})
		}
		return map[string]any{"id": c.Identity.Subject, "n": convexclient.Int64(7)}, nil
	})
	d.Query("auth:secret", func(context.Context, *Call) (any, error) { return "s3cr3t", nil }, Internal())
	d.Mutation("tasks:create", func(_ context.Context, c *Call) (any, error) {
		var a struct{ Title string }
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		c.Logf("creating %s", a.Title)
		return "t-" + a.Title, nil
	})
	up := NewServer(d)
	defer up.Close()

	rec, err := NewRecorder(RecorderOptions{Upstream: up.URL, DeployKey: "dk", Scenario: "roundtrip"})
	if err != nil {
		t.Fatal(err)
	}
	calls := []struct{ endpoint, body, authz string }{
		{"/api/query", `{"path":"users:me","args":{}}`, acting(t, "u1")},
		{"/api/query", `{"path":"users:me","args":[{}]}`, ""},
		{"/api/query", `{"path":"auth:secret","args":{}}`, "Convex client-key"},
		{"/api/query", `{"path":"auth:secret","args":{}}`, ""},
		{"/api/mutation", `{"path":"tasks.js:create","args":{"title":"<a&b>"}}`, "Bearer " + jwtWith(`{"sub":"u2"}`)},
		{"/api/query", `{"path":"tasks:create","args":{"title":"x"}}`, acting(t, "u1")},
	}
	var recorded []string
	for _, c := range calls {
		s, b := post(t, rec, c.endpoint, c.body, c.authz, "")
		recorded = append(recorded, b)
		if s != 200 {
			t.Fatalf("%s: %d %s", c.body, s, b)
		}
	}
	for i, want := range []string{`"n":{"$integer":"BwAAAAAAAAA="}`, "UNAUTHENTICATED", `"value":"s3cr3t"`, "Could not find public function", `"logLines":["[LOG] creating <a&b>"]`, "[Request ID: rec-roundtrip-6]"} {
		if !strings.Contains(recorded[i], want) {
			t.Errorf("call %d: %s lacks %s", i, recorded[i], want)
		}
	}
	data, err := rec.Cassette().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "dk") || strings.Contains(string(data), "client-key") {
		t.Fatalf("cassette holds a key:\n%s", data)
	}
	c, err := ParseCassette(data)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewReplayServer(t, c)
	for i, call := range calls {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+call.endpoint, strings.NewReader(call.body))
		if call.authz != "" {
			req.Header.Set("Authorization", call.authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != recorded[i] {
			t.Errorf("replay %d: %d %s, want %s", i, resp.StatusCode, b, recorded[i])
		}
	}
	if u := srv.Unused(); len(u) != 0 {
		t.Errorf("unused: %v", u)
	}
}
