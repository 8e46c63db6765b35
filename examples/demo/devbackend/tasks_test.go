package devbackend

import (
	"strings"
	"testing"
	"time"
)

// taskOf returns one seeded task of user with the given status.
func (f *fixture) taskOf(user, status string) doc {
	f.t.Helper()
	for _, d := range byUser(f.b.db, "tasks", f.ids[user], nil) {
		if d["status"] == status {
			return d
		}
	}
	f.t.Fatalf("no %s task of %s", status, user)
	return nil
}

func TestTasksList(t *testing.T) {
	f := newFixture(t)
	all := f.ok("tasks:list", "member", `{}`).([]any)
	if len(all) != 8 {
		t.Fatalf("member has %d tasks, want 8", len(all))
	}
	prev := 1e300
	for _, e := range all {
		d := e.(map[string]any)
		if d["userId"] != f.ids["member"] {
			t.Fatalf("foreign task %v", d)
		}
		if ct := d["_creationTime"].(float64); ct >= prev {
			t.Fatalf("not newest first: %v after %v", ct, prev)
		} else {
			prev = ct
		}
	}
	pending := f.ok("tasks:list", "member", `{"status":"pending"}`).([]any)
	if len(pending) != 3 {
		t.Fatalf("%d pending tasks, want 3", len(pending))
	}
	if o := f.call("tasks:list", "member", `{"status":"in progress"}`); o.err != nil {
		t.Fatal(o.err)
	}
	// An empty result is an empty array, not null.
	f.b.db.tables["tasks"] = map[string]doc{}
	if o := f.call("tasks:list", "member", `{}`); o.value != "[]" {
		t.Fatalf("empty list = %s", o.value)
	}
	if got := f.invalidArgs("tasks:list", "member", `{"status":"done"}`); got != "Expected one of literal, literal, literal, literal, got `\"done\"`" {
		t.Fatalf("bad status: %q", got)
	}
	if o := f.call("tasks:list", "inactive", `{}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Fatalf("inactive: %+v", o)
	}
}

func TestTasksCreate(t *testing.T) {
	f := newFixture(t)
	f.now = t0.Add(time.Hour)
	o := f.call("tasks:create", "member", `{"title":"  Buy stamps\u3000","priority":"low"}`)
	if o.err != nil {
		t.Fatal(o.err)
	}
	id := strings.Trim(o.value, `"`)
	d := f.b.db.get("tasks", id)
	want := map[string]any{"title": "Buy stamps", "priority": "low", "status": "pending", "userId": f.ids["member"], "createdAt": 1767229200000.0, "updatedAt": 1767229200000.0}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	if len(d) != len(want)+2 {
		t.Errorf("fields %v", d)
	}
	tests := []struct{ name, user, args, data string }{
		{"anonymous", "", `{"title":"x","priority":"low"}`, `{"code":"UNAUTHENTICATED"}`},
		{"empty", "member", `{"title":" \t\n","priority":"low"}`, `{"code":"INVALID","field":"title","message":"title must not be empty"}`},
		{"too long", "member", mustJSON(t, map[string]string{"title": strings.Repeat("a", 201), "priority": "low"}), `{"code":"INVALID","field":"title","message":"title must be at most 200 characters"}`},
		{"unauth before invalid", "", `{"title":"","priority":"low"}`, `{"code":"UNAUTHENTICATED"}`},
	}
	for _, tc := range tests {
		if o := f.call("tasks:create", tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if o := f.call("tasks:create", "member", mustJSON(t, map[string]string{"title": strings.Repeat("é", 200), "priority": "high"})); o.err != nil {
		t.Errorf("200 characters: %v", o.err)
	}
	if o := f.call("tasks:create", "member", mustJSON(t, map[string]string{"title": strings.Repeat("😀", 101), "priority": "high"})); !strings.Contains(o.data, "at most 200") {
		t.Errorf("101 astral characters are 202 UTF-16 units: %+v", o)
	}
	if got := f.invalidArgs("tasks:create", "member", `{"title":"x"}`); got != "Missing required field `priority` in object" {
		t.Errorf("missing priority: %q", got)
	}
}

func TestTasksUpdateAndCompletionNotification(t *testing.T) {
	f := newFixture(t)
	task := f.taskOf("member", "pending")
	id := task["_id"].(string)
	before := len(f.b.db.tables["notifications"])
	f.now = t0.Add(2 * time.Hour)
	if o := f.call("tasks:update", "member", `{"id":"`+id+`","status":"completed","title":" Done it "}`); o.err != nil || o.value != "null" {
		t.Fatalf("%+v", o)
	}
	d := f.b.db.get("tasks", id)
	if d["status"] != "completed" || d["title"] != "Done it" || d["updatedAt"] != 1767232800000.0 || d["priority"] != task["priority"] || d["createdAt"] != task["createdAt"] {
		t.Fatalf("patched task %v", d)
	}
	notes := f.ok("notifications:list", "member", `{"unreadOnly":true}`).([]any)
	n := notes[0].(map[string]any)
	if n["title"] != "Task completed" || n["body"] != `You completed "Done it".` || n["read"] != false || n["createdAt"] != 1767232800000.0 || n["userId"] != f.ids["member"] {
		t.Fatalf("notification %v", n)
	}
	if got := len(f.b.db.tables["notifications"]); got != before+1 {
		t.Fatalf("%d notifications, want %d", got, before+1)
	}
	// Completing again, or another change, does not notify.
	f.ok("tasks:update", "member", `{"id":"`+id+`","status":"completed"}`)
	f.ok("tasks:update", "member", `{"id":"`+id+`","priority":"high"}`)
	if got := len(f.b.db.tables["notifications"]); got != before+1 {
		t.Fatalf("%d notifications after re-completing, want %d", got, before+1)
	}
	// Without a new title the stored one is used.
	other := f.taskOf("member", "in progress")["_id"].(string)
	f.ok("tasks:update", "member", `{"id":"`+other+`","status":"completed"}`)
	latest := f.ok("notifications:list", "member", `{}`).([]any)[0].(map[string]any)
	if want := `You completed "` + f.b.db.get("tasks", other)["title"].(string) + `".`; latest["body"] != want {
		t.Fatalf("body %v, want %s", latest["body"], want)
	}
}

func TestTasksUpdateErrors(t *testing.T) {
	f := newFixture(t)
	mine := f.taskOf("member", "pending")["_id"].(string)
	admins := f.taskOf("admin", "pending")["_id"].(string)
	gone := makeID("tasks", 999)
	tests := []struct{ name, user, args, data string }{
		{"anonymous", "", `{"id":"` + mine + `"}`, `{"code":"UNAUTHENTICATED"}`},
		{"title before not found", "member", `{"id":"` + gone + `","title":""}`, `{"code":"INVALID","field":"title","message":"title must not be empty"}`},
		{"not found", "member", `{"id":"` + gone + `"}`, `{"code":"NOT_FOUND"}`},
		{"not owner", "member", `{"id":"` + admins + `","status":"completed"}`, `{"code":"FORBIDDEN"}`},
		{"admin not owner", "admin", `{"id":"` + mine + `"}`, `{"code":"FORBIDDEN"}`},
		{"title before forbidden", "member", `{"id":"` + admins + `","title":"  "}`, `{"code":"INVALID","field":"title","message":"title must not be empty"}`},
	}
	for _, tc := range tests {
		if o := f.call("tasks:update", tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if got := f.invalidArgs("tasks:update", "member", `{"id":"`+f.ids["member"]+`"}`); got != `Expected ID for table "tasks", got `+"`"+f.ids["member"]+"`" {
		t.Errorf("users id: %q", got)
	}
}

func TestTasksRemove(t *testing.T) {
	f := newFixture(t)
	mine := f.taskOf("member", "completed")["_id"].(string)
	admins := f.taskOf("admin", "pending")["_id"].(string)
	if o := f.call("tasks:remove", "member", `{"id":"`+admins+`"}`); o.data != `{"code":"FORBIDDEN"}` {
		t.Fatalf("foreign: %+v", o)
	}
	if o := f.call("tasks:remove", "member", `{"id":"`+mine+`"}`); o.err != nil || o.value != "null" {
		t.Fatalf("%+v", o)
	}
	if o := f.call("tasks:remove", "member", `{"id":"`+mine+`"}`); o.data != `{"code":"NOT_FOUND"}` {
		t.Fatalf("again: %+v", o)
	}
	if o := f.call("tasks:remove", "", `{"id":"`+mine+`"}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Fatalf("anonymous: %+v", o)
	}
}
