package demo

import (
	"bytes"
	"context"
	"math"
	"net/http"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

type listBody[D any] struct {
	Items      []D     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// collect follows nextCursor from path (which has a ?limit=) to the end.
func collect[D any](t *testing.T, env *testEnv, path, user string, key func(D) string) []D {
	t.Helper()
	var all []D
	seen := map[string]bool{}
	url := path
	for range 100 {
		st, body := env.do(http.MethodGet, url, user, nil)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d %s", url, st, body)
		}
		lb := decodeJSON[listBody[D]](t, body)
		for _, d := range lb.Items {
			if seen[key(d)] {
				t.Fatalf("GET %s: %s repeated", url, key(d))
			}
			seen[key(d)] = true
		}
		all = append(all, lb.Items...)
		if lb.NextCursor == nil {
			return all
		}
		sep := "&"
		if !strings.Contains(path, "?") {
			sep = "?"
		}
		url = path + sep + "cursor=" + neturl.QueryEscape(*lb.NextCursor)
	}
	t.Fatalf("GET %s: pagination does not end", path)
	return nil
}

func TestUsersRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	st, body := env.do(http.MethodGet, "/api/users/me", "member", nil)
	me := decodeJSON[UsersDoc](t, body)
	if st != http.StatusOK || me.Email != "member@demo.test" || string(me.ID) != env.users["member"].ID {
		t.Fatalf("me: %d %s", st, body)
	}
	if bytes.Contains(body, []byte("passwordHash")) || bytes.Contains(body, []byte("$2a$")) {
		t.Fatalf("password hash leaked: %s", body)
	}
	st, body = env.do(http.MethodGet, "/api/users/me", "", nil)
	wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)
	st, body = env.do(http.MethodGet, "/api/users/me", "inactive", nil)
	wantError(t, st, body, http.StatusUnauthorized, "unauthenticated")
	st, body = env.do(http.MethodGet, "/api/users/me?x=1", "member", nil)
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)

	users := collect(t, env, "/api/users?limit=3", "admin", func(u UsersDoc) string { return string(u.ID) })
	if len(users) != 4 {
		t.Fatalf("admin lists %d users, want 4", len(users))
	}
	st, body = env.do(http.MethodGet, "/api/users?limit=3", "admin", nil)
	if bytes.Contains(body, []byte("passwordHash")) || st != http.StatusOK {
		t.Fatalf("users list: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/users", "member", nil)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	st, body = env.do(http.MethodGet, "/api/users?limit=0", "admin", nil)
	eb := wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	if eb.Error.Fields["limit"] == "" {
		t.Fatalf("no field error for limit: %s", body)
	}
	st, body = env.do(http.MethodGet, "/api/users", "", nil)
	wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)
}

func TestTasksRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	member := UsersID(env.users["member"].ID)
	tasks := collect(t, env, "/api/tasks?limit=3", "member", func(x TasksDoc) string { return string(x.ID) })
	if len(tasks) < 4 {
		t.Fatalf("member has %d tasks", len(tasks))
	}
	for i, x := range tasks {
		if x.UserID != member {
			t.Fatalf("foreign task %+v", x)
		}
		if i > 0 && x.CreationTime > tasks[i-1].CreationTime {
			t.Fatalf("not newest first at %d", i)
		}
	}
	pending := collect(t, env, "/api/tasks?status=pending&limit=2", "member", func(x TasksDoc) string { return string(x.ID) })
	for _, x := range pending {
		if x.Status != "pending" {
			t.Fatalf("status filter let through %+v", x)
		}
	}
	for _, q := range []string{"?status=done", "?foo=1", "?limit=101", "?cursor=nonsense", "?limit=x"} {
		st, body := env.do(http.MethodGet, "/api/tasks"+q, "member", nil)
		wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	}

	// Create, then it is listed first.
	st, body := env.do(http.MethodPost, "/api/tasks", "member", map[string]any{"title": "  Write tests ", "priority": "high"})
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	id := decodeJSON[createdResponse](t, body).ID
	st, body = env.do(http.MethodGet, "/api/tasks?limit=1", "member", nil)
	first := decodeJSON[listBody[TasksDoc]](t, body)
	if st != http.StatusOK || len(first.Items) != 1 || string(first.Items[0].ID) != id || first.Items[0].Title != "Write tests" {
		t.Fatalf("new task not first: %s", body)
	}
	// Validation.
	st, body = env.do(http.MethodPost, "/api/tasks", "member", map[string]any{"title": "", "priority": "urgent", "owner": "x"})
	eb := wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	for _, f := range []string{"title", "priority", "owner"} {
		if eb.Error.Fields[f] == "" {
			t.Errorf("no field error for %s: %s", f, body)
		}
	}
	st, body = env.do(http.MethodPost, "/api/tasks", "member", `{"title":1}`)
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	st, body = env.do(http.MethodPost, "/api/tasks", "", map[string]any{"title": "x", "priority": "low"})
	wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)

	// Update: own task, someone else's, bad id, empty patch.
	st, body = env.do(http.MethodPatch, "/api/tasks/"+id, "member", map[string]any{"status": "completed"})
	if st != http.StatusNoContent {
		t.Fatalf("update: %d %s", st, body)
	}
	st, body = env.do(http.MethodPatch, "/api/tasks/"+id, "manager", map[string]any{"status": "pending"})
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	st, body = env.do(http.MethodPatch, "/api/tasks/bad.id", "member", map[string]any{"status": "pending"})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	st, body = env.do(http.MethodPatch, "/api/tasks/"+id, "member", map[string]any{})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	st, body = env.do(http.MethodPatch, "/api/tasks/"+id, "member", map[string]any{"id": "x", "title": "y"})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)

	// Delete, then it is gone.
	st, body = env.do(http.MethodDelete, "/api/tasks/"+id, "manager", nil)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	if st, body = env.do(http.MethodDelete, "/api/tasks/"+id, "member", nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d %s", st, body)
	}
	st, body = env.do(http.MethodDelete, "/api/tasks/"+id, "member", nil)
	wantError(t, st, body, http.StatusNotFound, "not_found")
	st, body = env.do(http.MethodPatch, "/api/tasks/"+id, "member", map[string]any{"title": "again"})
	wantError(t, st, body, http.StatusNotFound, "not_found")
}

func TestNotificationsRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	all := collect(t, env, "/api/notifications?limit=2", "member", func(n NotificationsDoc) string { return string(n.ID) })
	unread := collect(t, env, "/api/notifications?unreadOnly=true", "member", func(n NotificationsDoc) string { return string(n.ID) })
	if len(all) == 0 || len(unread) == 0 {
		t.Fatalf("member has %d notifications, %d unread", len(all), len(unread))
	}
	for _, n := range unread {
		if n.Read {
			t.Fatalf("unreadOnly returned a read one: %+v", n)
		}
	}
	st, body := env.do(http.MethodGet, "/api/notifications?unreadOnly=yes", "member", nil)
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)

	id := string(unread[0].ID)
	st, body = env.do(http.MethodPost, "/api/notifications/"+id+"/read", "admin", nil)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	if st, body = env.do(http.MethodPost, "/api/notifications/"+id+"/read", "member", nil); st != http.StatusNoContent {
		t.Fatalf("markRead: %d %s", st, body)
	}
	after := collect(t, env, "/api/notifications?unreadOnly=true", "member", func(n NotificationsDoc) string { return string(n.ID) })
	if len(after) != len(unread)-1 {
		t.Fatalf("unread %d → %d", len(unread), len(after))
	}
	st, body = env.do(http.MethodPost, "/api/notifications/%2e%2e/read", "member", nil)
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	st, body = env.do(http.MethodPost, "/api/notifications/"+id+"/read", "", nil)
	wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)
}

func TestDonationsRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	all := collect(t, env, "/api/donations?limit=13", "member", func(d DonationsDoc) string { return string(d.ID) })
	if len(all) != 30 {
		t.Fatalf("%d donations, want 30", len(all))
	}
	st, body := env.do(http.MethodGet, "/api/donations/stats", "manager", nil)
	if st != http.StatusOK || !bytes.Contains(body, []byte(`"count":30`)) {
		t.Fatalf("stats: %d %s (count must be a plain JSON number)", st, body)
	}
	stats := decodeJSON[DonationsStatsResult](t, body)
	if sum := stats.ByMethod.Bank + stats.ByMethod.Card + stats.ByMethod.Cash; stats.Total <= 0 || sum < stats.Total-1e-6 || sum > stats.Total+1e-6 {
		t.Fatalf("stats: %+v", stats)
	}
	st, body = env.do(http.MethodGet, "/api/donations/stats?from=0&to=1", "admin", nil)
	if decodeJSON[DonationsStatsResult](t, body).Count != 0 || st != http.StatusOK {
		t.Fatalf("empty range: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/donations/stats", "member", nil)
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	for _, q := range []string{"?from=abc", "?from=5&to=1", "?from=NaN", "?since=1"} {
		st, body = env.do(http.MethodGet, "/api/donations/stats"+q, "manager", nil)
		wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	}
	st, body = env.do(http.MethodGet, "/api/donations/stats", "", nil)
	wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)

	st, body = env.do(http.MethodPost, "/api/donations", "manager", map[string]any{"donorName": "Ada", "amount": 12.5, "currency": "USD", "method": "bank"})
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	id := decodeJSON[createdResponse](t, body).ID
	st, body = env.do(http.MethodPost, "/api/donations", "manager", map[string]any{"donorName": "Ada", "amount": -1, "currency": "usd", "method": "bank"})
	eb := wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)
	if eb.Error.Fields["amount"] != "amount must be a positive number" || eb.Error.Fields["currency"] == "" {
		t.Fatalf("fields: %v", eb.Error.Fields)
	}
	if st, body = env.do(http.MethodPatch, "/api/donations/"+id, "admin", map[string]any{"amount": 20}); st != http.StatusNoContent {
		t.Fatalf("update: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/donations/"+id, "member", nil)
	if decodeJSON[DonationsDoc](t, body).Amount != 20 {
		t.Fatalf("after update: %s", body)
	}
	st, body = env.do(http.MethodPatch, "/api/donations/"+id, "member", map[string]any{"amount": 1})
	wantError(t, st, body, http.StatusForbidden, "forbidden")
	if st, body = env.do(http.MethodDelete, "/api/donations/"+id, "manager", nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d %s", st, body)
	}
	st, body = env.do(http.MethodGet, "/api/donations/"+id, "member", nil)
	wantError(t, st, body, http.StatusNotFound, "not_found")
}

// TestEveryRouteNeedsASession sends each route without a session.
func TestEveryRouteNeedsASession(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	id := "k57a4bn1x0v8yr0kfr5wd8y8hs6v0sw2"
	rts := [][2]string{{"GET", "/api/users/me"}, {"GET", "/api/users"}, {"GET", "/api/tasks"},
		{"POST", "/api/tasks"}, {"PATCH", "/api/tasks/" + id}, {"DELETE", "/api/tasks/" + id},
		{"GET", "/api/notifications"}, {"POST", "/api/notifications/" + id + "/read"}, {"GET", "/api/donations/stats"}}
	for _, r := range []string{"beneficiaries", "donations", "meetings"} {
		rts = append(rts, [2]string{"GET", "/api/" + r}, [2]string{"POST", "/api/" + r},
			[2]string{"GET", "/api/" + r + "/" + id}, [2]string{"PATCH", "/api/" + r + "/" + id},
			[2]string{"DELETE", "/api/" + r + "/" + id})
	}
	for _, r := range rts {
		st, body := env.do(r[0], r[1], "", `{}`)
		wantError(t, st, body, http.StatusUnauthorized, routes.CodeUnauthenticated)
	}
}

func TestJWTIdentityMode(t *testing.T) {
	env := newTestEnv(t, routes.IdentityJWT)
	st, body := env.do(http.MethodGet, "/api/users/me", "manager", nil)
	if st != http.StatusOK || decodeJSON[UsersDoc](t, body).Email != "manager@demo.test" {
		t.Fatalf("me in jwt mode: %d %s", st, body)
	}
	st, body = env.do(http.MethodPost, "/api/tasks", "manager", map[string]any{"title": "jwt", "priority": "low"})
	if st != http.StatusCreated {
		t.Fatalf("create in jwt mode: %d %s", st, body)
	}
}

// TestStatsNeverFailOnInfinity (issue 12, defect 7): amounts are bounded
// so sums stay finite, and a non-finite total from the backend still
// renders (Convex's clean JSON spelling) instead of a 500.
func TestStatsNeverFailOnInfinity(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	st, body := env.do(http.MethodPost, "/api/donations", "manager",
		map[string]any{"donorName": "Max", "amount": 1.7e308, "currency": "EUR", "method": "bank"})
	wantError(t, st, body, http.StatusBadRequest, routes.CodeInvalidRequest)

	dep := convextest.NewDeployment(convextest.Options{AdminKey: testDeployKey})
	dep.Query("donations:stats", func(context.Context, *convextest.Call) (any, error) {
		return map[string]any{"count": int64(2), "total": math.Inf(1),
			"byMethod": map[string]any{"bank": math.Inf(1), "card": 0.0, "cash": 0.0}}, nil
	})
	srv := convextest.NewServer(dep)
	t.Cleanup(srv.Close)
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: testDeployKey})
	if err != nil {
		t.Fatal(err)
	}
	env.wire(client, routes.IdentityAdmin)
	st, body = env.do(http.MethodGet, "/api/donations/stats", "manager", nil)
	// Only the non-finite floats change spelling: count stays a number.
	if st != http.StatusOK || !strings.Contains(string(body), `"total":"Infinity"`) || !strings.Contains(string(body), `"count":2`) ||
		!strings.Contains(string(body), `"bank":"Infinity"`) {
		t.Fatalf("stats with an infinite total: %d %s", st, body)
	}
}
