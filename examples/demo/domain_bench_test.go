package demo

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// BenchmarkTasksList measures GET /api/tasks through the routes (session
// cookie check, identity, convexclient call over loopback to the fake
// deployment, decode, JSON answer); compare with BenchmarkTasksListDirect.
func BenchmarkTasksList(b *testing.B) {
	for _, mode := range []string{routes.IdentityAdmin, routes.IdentityJWT} {
		b.Run(mode, func(b *testing.B) {
			env := newTestEnv(b, mode)
			ck, _ := env.session("member")
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodGet, "/api/tasks", nil)
					req.AddCookie(ck)
					rec := httptest.NewRecorder()
					env.e.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}

// BenchmarkTasksListDirect is the baseline: the same tasks:list call made
// straight to the fake deployment with a plain HTTP client, body read whole,
// with the credential each identity mode sends.
func BenchmarkTasksListDirect(b *testing.B) {
	for _, mode := range []string{routes.IdentityAdmin, routes.IdentityJWT} {
		b.Run(mode, func(b *testing.B) {
			env := newTestEnv(b, mode)
			u := env.users["member"]
			authz := "Bearer " + env.token("member")
			if mode == routes.IdentityAdmin {
				id, err := convexclient.EncodeIdentity(convexclient.Identity{Subject: u.ID, Issuer: testPublicURL,
					TokenIdentifier: testPublicURL + "|" + u.ID, Name: u.Name, Email: u.Email,
					Custom: map[string]any{"role": u.Role}})
				if err != nil {
					b.Fatal(err)
				}
				authz = "Convex " + testDeployKey + ":" + id
			}
			body := `{"path":"tasks:list","format":"convex_encoded_json","args":{}}`
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, env.srv.URL+"/api/query", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", authz)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					data, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || !strings.Contains(string(data), `"success"`) {
						b.Fatalf("%d %s", resp.StatusCode, data)
					}
				}
			})
		})
	}
}

// BenchmarkTasksListClient is the typed binding alone (no HTTP routing).
func BenchmarkTasksListClient(b *testing.B) {
	env := newTestEnv(b, routes.IdentityJWT)
	ctx := convexclient.WithCredential(context.Background(), convexclient.UserToken(env.token("member")))
	q := env.bind.TasksList
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := q.Call(ctx, env.client, TasksListArgs{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTasksListCanned is GET /api/tasks through the demo's routes (the
// member's cookie session, jwt identity) in front of a server that answers
// every call with one recorded 10-task list at once: what remains is the
// gateway's own cost per request (session, identity, the call, decode,
// render, access log), for profiles (-cpuprofile, -memprofile).
func BenchmarkTasksListCanned(b *testing.B) {
	env := newTestEnv(b, routes.IdentityJWT)
	ctx := convexclient.WithCredential(context.Background(), convexclient.UserToken(env.token("member")))
	for range 2 { // the seed's 8 and 2 more: the bench's list
		if _, err := env.bind.TasksCreate.Call(ctx, env.client, TasksCreateArgs{Title: "Bench task", Priority: TasksDocPriorityMedium}); err != nil {
			b.Fatal(err)
		}
	}
	answer, err := env.client.CallRaw(ctx, convexclient.KindQuery, "tasks:list", []byte(`{}`))
	if err != nil {
		b.Fatal(err)
	}
	canned := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	b.Cleanup(canned.Close)
	client, err := convexclient.New(convexclient.Config{URL: canned.URL, DeployKey: testDeployKey})
	if err != nil {
		b.Fatal(err)
	}
	env.wire(client, routes.IdentityJWT)
	ck, _ := env.session("member")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/api/tasks", nil)
			req.AddCookie(ck)
			rec := httptest.NewRecorder()
			env.e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}
