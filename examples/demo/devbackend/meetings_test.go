package devbackend

import (
	"strings"
	"testing"
)

func TestMeetingsList(t *testing.T) {
	f := newFixture(t)
	docs, sizes := f.pages("meetings:list", "member", "", 5)
	if mustJSON(t, sizes) != "[5,5,2]" {
		t.Fatalf("page sizes %v", sizes)
	}
	for i := 1; i < len(docs); i++ {
		if docs[i]["startsAt"].(float64) < docs[i-1]["startsAt"].(float64) {
			t.Fatalf("not earliest first at %d", i)
		}
	}
}

func TestMeetingsCRUD(t *testing.T) {
	f := newFixture(t)
	args := `{"title":" Plan ","startsAt":1000,"endsAt":2000,"attendeeIds":["` + f.ids["member"] + `","` + f.ids["member"] + `"],"location":" Hall ","notes":""}`
	o := f.call("meetings:create", "manager", args)
	if o.err != nil {
		t.Fatal(o.err)
	}
	id := strings.Trim(o.value, `"`)
	d := f.ok("meetings:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	delete(d, "_creationTime")
	want := `{"_id":"` + id + `","attendeeIds":["` + f.ids["member"] + `","` + f.ids["member"] + `"],"endsAt":2000,"location":"Hall","notes":"","startsAt":1000,"status":"scheduled","title":"Plan"}`
	if got := mustJSON(t, d); got != want {
		t.Fatalf("created\n got %s\nwant %s", got, want)
	}
	f.ok("meetings:update", "admin", `{"id":"`+id+`","endsAt":3000,"status":"completed","attendeeIds":[]}`)
	d = f.ok("meetings:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	if d["endsAt"] != 3000.0 || d["status"] != "completed" || len(d["attendeeIds"].([]any)) != 0 || d["title"] != "Plan" {
		t.Fatalf("updated %v", d)
	}
	f.ok("meetings:remove", "manager", `{"id":"`+id+`"}`)
	if o := f.call("meetings:get", "admin", `{"id":"`+id+`"}`); o.data != `{"code":"NOT_FOUND"}` {
		t.Fatalf("after remove: %+v", o)
	}
}

func TestMeetingsErrors(t *testing.T) {
	f := newFixture(t)
	gone := makeID("meetings", 999)
	ghost := makeID("users", 999)
	m := f.b.db.scan("meetings", meetingIndex, false, nil)[0]
	mid := m["_id"].(string)
	nan := `{"$float":"AAAAAAAA+H8="}`
	many := `[` + strings.TrimSuffix(strings.Repeat(`"`+ghost+`",`, 101), ",") + `]`
	tests := []struct{ name, path, user, args, data string }{
		{"member", "meetings:create", "member", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":[]}`, `{"code":"FORBIDDEN"}`},
		{"title", "meetings:create", "admin", `{"title":"","startsAt":2,"endsAt":1,"attendeeIds":[]}`, `{"code":"INVALID","field":"title","message":"title must not be empty"}`},
		{"startsAt", "meetings:create", "admin", `{"title":"T","startsAt":` + nan + `,"endsAt":1,"attendeeIds":[]}`, `{"code":"INVALID","field":"startsAt","message":"startsAt must be a finite number"}`},
		{"endsAt", "meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":` + nan + `,"attendeeIds":[]}`, `{"code":"INVALID","field":"endsAt","message":"endsAt must be a finite number"}`},
		{"interval", "meetings:create", "admin", `{"title":"T","startsAt":2,"endsAt":2,"attendeeIds":[],"location":"` + strings.Repeat("l", 201) + `"}`, `{"code":"INVALID","field":"endsAt","message":"endsAt must be after startsAt"}`},
		{"location", "meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":[],"location":"` + strings.Repeat("l", 201) + `"}`, `{"code":"INVALID","field":"location","message":"location must be at most 200 characters"}`},
		{"notes", "meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":` + many + `,"notes":"` + strings.Repeat("n", 2001) + `"}`, `{"code":"INVALID","field":"notes","message":"notes must be at most 2000 characters"}`},
		{"count", "meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":` + many + `}`, `{"code":"INVALID","field":"attendeeIds","message":"attendeeIds must have at most 100 entries"}`},
		{"attendee", "meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":["` + f.ids["admin"] + `","` + ghost + `"]}`, `{"code":"INVALID","field":"attendeeIds","message":"attendee not found"}`},
		{"update count before not found", "meetings:update", "admin", `{"id":"` + gone + `","attendeeIds":` + many + `}`, `{"code":"INVALID","field":"attendeeIds","message":"attendeeIds must have at most 100 entries"}`},
		{"update not found", "meetings:update", "admin", `{"id":"` + gone + `","attendeeIds":["` + ghost + `"]}`, `{"code":"NOT_FOUND"}`},
		{"update merged interval", "meetings:update", "admin", `{"id":"` + mid + `","endsAt":` + jsNumber(m["startsAt"].(float64)) + `,"attendeeIds":["` + ghost + `"]}`, `{"code":"INVALID","field":"endsAt","message":"endsAt must be after startsAt"}`},
		{"update merged interval start", "meetings:update", "admin", `{"id":"` + mid + `","startsAt":` + jsNumber(m["endsAt"].(float64)+1) + `}`, `{"code":"INVALID","field":"endsAt","message":"endsAt must be after startsAt"}`},
		{"update attendee", "meetings:update", "admin", `{"id":"` + mid + `","attendeeIds":["` + ghost + `"]}`, `{"code":"INVALID","field":"attendeeIds","message":"attendee not found"}`},
		{"remove member", "meetings:remove", "member", `{"id":"` + mid + `"}`, `{"code":"FORBIDDEN"}`},
		{"remove not found", "meetings:remove", "admin", `{"id":"` + gone + `"}`, `{"code":"NOT_FOUND"}`},
	}
	for _, tc := range tests {
		if o := f.call(tc.path, tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if got := f.invalidArgs("meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2,"attendeeIds":["`+mid+`"]}`); got != `Expected ID for table "users", got `+"`"+mid+"`" {
		t.Errorf("attendee of wrong table: %q", got)
	}
	if got := f.invalidArgs("meetings:create", "admin", `{"title":"T","startsAt":1,"endsAt":2}`); got != "Missing required field `attendeeIds` in object" {
		t.Errorf("missing attendeeIds: %q", got)
	}
}
