package devbackend

import (
	"testing"
)

func TestNotificationsListAndMarkRead(t *testing.T) {
	f := newFixture(t)
	all := f.ok("notifications:list", "manager", `{}`).([]any)
	unread := f.ok("notifications:list", "manager", `{"unreadOnly":true}`).([]any)
	if len(all) != 4 || len(unread) != 2 {
		t.Fatalf("%d notifications, %d unread; want 4, 2", len(all), len(unread))
	}
	if o := f.call("notifications:list", "manager", `{"unreadOnly":false}`); o.err != nil || len(f.ok("notifications:list", "manager", `{"unreadOnly":false}`).([]any)) != 4 {
		t.Fatalf("unreadOnly false: %+v", o)
	}
	id := unread[0].(map[string]any)["_id"].(string)
	for range 2 { // idempotent
		if o := f.call("notifications:markRead", "manager", `{"id":"`+id+`"}`); o.err != nil || o.value != "null" {
			t.Fatalf("%+v", o)
		}
	}
	if got := len(f.ok("notifications:list", "manager", `{"unreadOnly":true}`).([]any)); got != 1 {
		t.Fatalf("%d unread after markRead, want 1", got)
	}
	tests := []struct{ name, user, args, data string }{
		{"not owner", "member", `{"id":"` + id + `"}`, `{"code":"FORBIDDEN"}`},
		{"not found", "member", `{"id":"` + makeID("notifications", 999) + `"}`, `{"code":"NOT_FOUND"}`},
		{"anonymous", "", `{"id":"` + id + `"}`, `{"code":"UNAUTHENTICATED"}`},
	}
	for _, tc := range tests {
		if o := f.call("notifications:markRead", tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if got := f.invalidArgs("notifications:list", "member", `{"unreadOnly":"yes"}`); got != "Expected `boolean`, got `yes`" {
		t.Errorf("unreadOnly string: %q", got)
	}
	if o := f.call("notifications:list", "", `{}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Errorf("anonymous list: %+v", o)
	}
}

func TestNotificationsCreate(t *testing.T) {
	f := newFixture(t)
	o := f.call("notifications:create", "", `{"userId":"`+f.ids["inactive"]+`","title":"T","body":"B"}`)
	if o.err != nil {
		t.Fatal(o.err)
	}
	id := o.value[1 : len(o.value)-1]
	d := f.b.db.get("notifications", id)
	if d["title"] != "T" || d["body"] != "B" || d["read"] != false || d["userId"] != f.ids["inactive"] || d["createdAt"] != 1767225600000.0 {
		t.Fatalf("created %v", d)
	}
	if got := f.invalidArgs("notifications:create", "", `{"userId":"`+f.ids["admin"]+`","title":"T"}`); got != "Missing required field `body` in object" {
		t.Errorf("missing body: %q", got)
	}
}
