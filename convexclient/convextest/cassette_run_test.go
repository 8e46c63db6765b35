package convextest

import (
	"context"
	"testing"
)

// TestCassetteRun: /api/run/{module...}/{function} is recorded as endpoint
// "/api/run" with the function path of the URL, forwarded to the upstream's
// /api/run, and replayed for the same URL only.
func TestCassetteRun(t *testing.T) {
	d := NewDeployment(Options{})
	d.Mutation("admin/tasks:add", func(context.Context, *Call) (any, error) { return int64(2), nil })
	up := NewServer(d)
	defer up.Close()
	rec, err := NewRecorder(RecorderOptions{Upstream: up.URL, Scenario: "run"})
	if err != nil {
		t.Fatal(err)
	}
	st, body := post(t, rec, "/api/run/admin%2Ftasks/add", `{"args":{"n":1},"format":"convex_encoded_json"}`, "", "")
	if st != 200 || body != `{"status":"success","value":{"$integer":"AgAAAAAAAAA="}}` {
		t.Fatalf("recorded run: %d %s", st, body)
	}
	if st, body := post(t, rec, "/api/run/list", `{"args":{}}`, "", ""); st != 400 {
		t.Fatalf("run without a function: %d %s", st, body)
	}
	c := rec.Cassette()
	if len(c.Interactions) != 1 {
		t.Fatalf("%d interactions", len(c.Interactions))
	}
	if r := c.Interactions[0].Request; r.Endpoint != EndpointRun || r.Path != "admin/tasks:add" || string(r.Args) != `{"n":1.0}` {
		t.Fatalf("recorded %+v", r)
	}
	if calls := d.Calls(); len(calls) != 1 || calls[0].Endpoint != EndpointRun {
		t.Fatalf("upstream calls %+v", calls)
	}
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCassette(data)
	if err != nil {
		t.Fatal(err)
	}
	r := NewReplayer(ReplayOptions{}, back)
	if st, got := post(t, r, "/api/mutation", `{"path":"admin/tasks:add","args":{"n":1}}`, "", ""); st == 200 {
		t.Fatalf("a run recording answered /api/mutation: %s", got)
	}
	st, got := post(t, r, "/api/run/admin/tasks/add", `{"args":{"n":1},"format":"convex_encoded_json"}`, "", "")
	if st != 200 || got != body {
		t.Fatalf("replayed run: %d %s", st, got)
	}
}
