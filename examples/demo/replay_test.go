package demo

import (
	"net/http"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/routes"
)

// End-to-end tests of every REST route and the passthrough against the
// recorded fake: the cassettes of examples/demo/testdata/cassettes, recorded from the
// TypeScript functions in convex/. Each scenario is replayed strictly: the
// steps make the gateway send exactly the scenario's requests, in recorded
// order (checked after every step), and every recording is consumed except
// the few the gateway never sends (named with the reason). Gateway-side
// validation errors and missing sessions send nothing, which the strict
// replayer proves.

// Times the scenarios send (cmd/convexfake/scenarios_crud.go).
const (
	recDay0  = 1767344400000
	recHour  = 3600000
	recFrom  = "1764547200000"
	recTo    = "1767225600000"
	recDayMs = 24 * recHour
)

// noSession is the 401 of each route of a resource without a session.
func noSession(prefix string, withGet bool) []replayStep {
	id := "/000000000000000000000010000users"
	out := []replayStep{
		{method: "GET", path: prefix, status: 401, code: routes.CodeUnauthenticated},
		{method: "POST", path: prefix, body: map[string]any{}, status: 401, code: routes.CodeUnauthenticated},
		{method: "PATCH", path: prefix + id, body: map[string]any{}, status: 401, code: routes.CodeUnauthenticated},
		{method: "DELETE", path: prefix + id, status: 401, code: routes.CodeUnauthenticated},
	}
	if withGet {
		out = append(out, replayStep{method: "GET", path: prefix + id, status: 401, code: routes.CodeUnauthenticated})
	}
	return out
}

// replayScenario is a recorded scenario as the routes replay it: the steps,
// and the recordings (1-based) the gateway never sends, with the reason.
type replayScenario struct {
	steps  []replayStep
	unsent map[int]string
}

// gatewayFirst is why a recording of a create refused by the function is
// never sent: the gateway refuses the same body itself.
const gatewayFirst = "the gateway refuses it with 400 (validation) and the function is not exposed through the passthrough"

// replayScenarios are the scenarios the routes cover: users, tasks and
// notifications (here), the association tables (tableScenarios), the
// passthrough-only visibility and bearer scenarios.
func replayScenarios() map[string]replayScenario {
	type sc = replayScenario
	all := map[string]sc{
		"users": {steps: append([]replayStep{
			{lookup: "admin", rec: 1}, {lookup: "member", rec: 2}, {lookup: "inactive", rec: 3},
			{method: "GET", path: "/api/users/me", user: "member", rec: 4, status: 200},
			{method: "GET", path: "/api/users/me?x=1", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "x"},
			{method: "GET", path: "/api/users?limit=3", user: "admin", rec: 5, status: 200},
			{method: "GET", path: "/api/users?limit=3&cursor={cursor}", user: "admin", rec: 6, status: 200},
			{method: "GET", path: "/api/users", user: "admin", rec: 7, status: 200},
			{method: "GET", path: "/api/users?limit=0", user: "admin", status: 400, code: routes.CodeInvalidRequest, field: "limit"},
			{method: "GET", path: "/api/users?limit=3", user: "member", rec: 8, status: 403, code: "forbidden"},
			{pass: 9}, // users:me anonymous
			{method: "GET", path: "/api/users/me", user: "inactive", rec: 10, status: 401, code: routes.CodeUnauthenticated},
			{method: "GET", path: "/api/users/me", status: 401, code: routes.CodeUnauthenticated},
		}, replayStep{method: "GET", path: "/api/users", status: 401, code: routes.CodeUnauthenticated})},

		"tasks": {steps: append([]replayStep{
			{lookup: "member", rec: 1},
			{method: "GET", path: "/api/tasks", user: "member", rec: 2, status: 200},
			{method: "GET", path: "/api/tasks?status=pending", user: "member", rec: 3, status: 200},
			{method: "GET", path: "/api/tasks?status=done", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "status"},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "  Write the recorder  ", "priority": "high"}, rec: 4, status: 201, save: "task"},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "x", "priority": "urgent"}, status: 400, code: routes.CodeInvalidRequest, field: "priority"},
			{method: "GET", path: "/api/tasks", user: "member", rec: 5, status: 200, save: "newest"},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"title": "Write the replayer", "priority": "medium"}, rec: 6, status: 204},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"status": "in progress"}, rec: 7, status: 204},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{}, status: 400, code: routes.CodeInvalidRequest},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"status": "done"}, status: 400, code: routes.CodeInvalidRequest, field: "status"},
			{method: "GET", path: "/api/notifications", user: "member", rec: 8, status: 200},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"status": "completed"}, rec: 9, status: 204},
			{method: "GET", path: "/api/notifications", user: "member", rec: 10, status: 200},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"status": "completed", "title": "Write both"}, rec: 11, status: 204},
			{method: "GET", path: "/api/notifications?unreadOnly=true", user: "member", rec: 12, status: 200},
			{method: "GET", path: "/api/tasks?status=completed", user: "member", rec: 13, status: 200},
			{method: "DELETE", path: "/api/tasks/{task}", user: "member", rec: 14, status: 204},
			{method: "DELETE", path: "/api/tasks/bad.id", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "id"},
			{method: "GET", path: "/api/tasks", user: "member", rec: 15, status: 200},
			{method: "PATCH", path: "/api/tasks/{task}", user: "member", body: map[string]any{"status": "pending"}, rec: 16, status: 404, code: "not_found"},
			{method: "DELETE", path: "/api/tasks/{task}", user: "member", rec: 17, status: 404, code: "not_found"},
		}, noSession("/api/tasks", false)...)},

		"tasks-errors": {steps: []replayStep{
			{lookup: "admin", rec: 1}, {lookup: "member", rec: 2}, {lookup: "inactive", rec: 3},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "   ", "priority": "high"}, status: 400, code: routes.CodeInvalidRequest, field: "title"},
			{pass: 4, cookie: true},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": strings.Repeat("x", 201), "priority": "high"}, status: 400, code: routes.CodeInvalidRequest, field: "title"},
			{pass: 5},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "Bad priority", "priority": "urgent"}, status: 400, code: routes.CodeInvalidRequest, field: "priority"},
			{pass: 6, cookie: true},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "No priority"}, status: 400, code: routes.CodeInvalidRequest, field: "priority"},
			{pass: 7},
			{method: "POST", path: "/api/tasks", user: "member", body: map[string]any{"title": "Extra", "priority": "low", "owner": "x"}, status: 400, code: routes.CodeInvalidRequest, field: "owner"},
			{pass: 8, cookie: true},
			{method: "GET", path: "/api/tasks?status=done", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "status"},
			{pass: 9},
			{method: "GET", path: "/api/tasks", user: "admin", rec: 10, status: 200, save: "other"},
			{method: "PATCH", path: "/api/tasks/{other}", user: "member", body: map[string]any{"status": "completed"}, rec: 11, status: 403, code: "forbidden"},
			{method: "DELETE", path: "/api/tasks/{other}", user: "member", rec: 12, status: 403, code: "forbidden"},
			{method: "PATCH", path: "/api/tasks/{other}", user: "member", body: map[string]any{"title": ""}, status: 400, code: routes.CodeInvalidRequest, field: "title"},
			{pass: 13},
			{pass: 14}, {pass: 15}, // anonymous tasks:list, tasks:create
			{method: "GET", path: "/api/tasks", user: "inactive", rec: 16, status: 401, code: routes.CodeUnauthenticated},
			{do: asUser("ghost", "not-a-user-id")},
			{method: "GET", path: "/api/tasks", user: "ghost", rec: 17, status: 401, code: routes.CodeUnauthenticated},
			{do: asUser("stale", "{other}")},
			{method: "GET", path: "/api/tasks", user: "stale", rec: 18, status: 401, code: routes.CodeUnauthenticated},
		}},

		"notifications": {steps: append([]replayStep{
			{lookup: "admin", rec: 1}, {lookup: "member", rec: 2},
			{method: "GET", path: "/api/notifications", user: "member", rec: 3, status: 200},
			{method: "GET", path: "/api/notifications?unreadOnly=true", user: "member", rec: 4, status: 200, save: "note"},
			{method: "POST", path: "/api/notifications/{note}/read", user: "member", rec: 5, status: 204},
			{method: "POST", path: "/api/notifications/{note}/read", user: "member", rec: 6, status: 204},
			{method: "GET", path: "/api/notifications?unreadOnly=true", user: "member", rec: 7, status: 200},
			{method: "GET", path: "/api/notifications?unreadOnly=false", user: "member", rec: 8, status: 200},
			{method: "GET", path: "/api/notifications?unreadOnly=yes", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "unreadOnly"},
			{method: "GET", path: "/api/notifications", user: "admin", rec: 9, status: 200, save: "adminNote"},
			{method: "POST", path: "/api/notifications/{adminNote}/read", user: "member", rec: 10, status: 403, code: "forbidden"},
			{method: "POST", path: "/api/notifications/%2e%2e/read", user: "member", status: 400, code: routes.CodeInvalidRequest, field: "id"},
			{pass: 11}, // anonymous notifications:list
			{do: createNotification("member", "Welcome", "Your account is ready."), rec: 12},
			{method: "GET", path: "/api/notifications?unreadOnly=true", user: "member", rec: 13, status: 200},
			{method: "GET", path: "/api/notifications", status: 401, code: routes.CodeUnauthenticated},
		}, replayStep{method: "POST", path: "/api/notifications/{note}/read", status: 401, code: routes.CodeUnauthenticated})},

		"visibility": {steps: []replayStep{
			{lookup: "member", rec: 1},
			{local: 2}, {local: 3}, {local: 4}, {local: 5}, // internal and unknown functions
			{pass: 6}, {pass: 7}, // exposed functions through the wrong endpoint: Convex answers
		}, unsent: map[int]string{
			2: "internal function: the passthrough answers as Convex would, without a call",
			3: "internal function: the passthrough answers as Convex would, without a call",
			4: "internal function: the passthrough answers as Convex would, without a call",
			5: "no such binding: the passthrough answers as Convex would, without a call",
		}},

		"bearer": {steps: []replayStep{
			{lookup: "member", rec: 1}, {lookup: "inactive", rec: 2},
			{pass: 3}, {pass: 4, run: true}, {pass: 5}, {pass: 6, run: true}, {pass: 7},
		}},
	}
	for k, v := range tableScenarios() {
		all[k] = v
	}
	return all
}

// donation is a valid donations:create body of the scenario with kv set.
func donation(kv ...any) map[string]any {
	b := map[string]any{"donorName": "Eve Error", "amount": 10, "currency": "EUR", "method": "cash"}
	for i := 0; i+1 < len(kv); i += 2 {
		b[kv[i].(string)] = kv[i+1]
	}
	return b
}

// TestRoutesAgainstRecordedFake replays every scenario the routes serve, in
// both identity modes.
func TestRoutesAgainstRecordedFake(t *testing.T) {
	for name, sc := range replayScenarios() {
		for _, mode := range []string{routes.IdentityAdmin, routes.IdentityJWT} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				env := newReplayEnv(t, name, mode)
				env.runReplay(sc.steps, sc.unsent)
			})
		}
	}
}

// TestReplayIsStrict shows the checks can fail: a request the scenario does
// not hold is refused (and reported), and consumption is tracked per step.
func TestReplayIsStrict(t *testing.T) {
	env := newReplayEnvLenient(t, "users", routes.IdentityAdmin)
	env.lookUp("admin")
	env.used[0] = true
	env.checkConsumed("lookup")
	// users:list with 4 items was never recorded.
	st, body := env.do(http.MethodGet, "/api/users?limit=4", "admin", nil)
	if st < 500 || len(env.misses()) != 1 || !strings.Contains(env.misses()[0], "users:list") {
		t.Fatalf("unrecorded request answered %d %s; misses %v", st, body, env.misses())
	}
	if u := env.unused(); u[0] || !u[1] || len(u) != len(env.c.Interactions)-1 {
		t.Fatalf("unused after one lookup: %v", u)
	}
}
