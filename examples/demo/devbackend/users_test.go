package devbackend

import (
	"strings"
	"testing"
	"time"
)

func TestAuthGetUserByEmail(t *testing.T) {
	f := newFixture(t)
	u := getUserByEmailDoc(t, f, "inactive@demo.test")
	if u["isActive"] != false || u["passwordHash"] == nil || u["_id"] != f.ids["inactive"] {
		t.Fatalf("inactive user = %v", u)
	}
	for _, email := range []string{"nobody@demo.test", "ADMIN@demo.test", " admin@demo.test"} {
		if o := f.call("auth:getUserByEmail", "", mustJSON(t, map[string]string{"email": email})); o.err != nil || o.value != "null" {
			t.Errorf("%q: %+v, want null", email, o)
		}
	}
}

func TestAuthUpdateLastLogin(t *testing.T) {
	f := newFixture(t)
	f.now = t0.Add(90 * time.Second)
	if o := f.call("auth:updateLastLogin", "", `{"userId":"`+f.ids["member"]+`","at":1767225690000}`); o.err != nil || o.value != "null" {
		t.Fatalf("%+v", o)
	}
	if o := f.call("auth:updateLastLogin", "", `{"userId":"`+f.ids["member"]+`"}`); o.err == nil || !strings.Contains(o.err.Error(), "ArgumentValidationError") {
		t.Fatalf("without at: %+v", o)
	}
	me := f.ok("users:me", "member", `{}`).(map[string]any)
	if me["lastLoginAt"] != float64(1767225690000) {
		t.Fatalf("lastLoginAt = %v", me["lastLoginAt"])
	}
	f.ok("tasks:list", "member", `{}`)
	f.b.db.remove("users", f.ids["member"])
	if o := f.call("auth:updateLastLogin", "", `{"userId":"`+f.ids["member"]+`","at":1}`); o.data != `{"code":"NOT_FOUND"}` {
		t.Fatalf("deleted user: %+v", o)
	}
}

func TestAuthUpdatePasswordHash(t *testing.T) {
	f := newFixture(t)
	missing := makeID("users", 999)
	tests := []struct {
		name, args, data string
	}{
		{"not found before empty", `{"userId":"` + missing + `","passwordHash":""}`, `{"code":"NOT_FOUND"}`},
		{"empty", `{"userId":"` + f.ids["admin"] + `","passwordHash":""}`, `{"code":"INVALID","field":"passwordHash","message":"passwordHash must not be empty"}`},
		{"ok", `{"userId":"` + f.ids["admin"] + `","passwordHash":"$2a$12$x"}`, ""},
	}
	for _, tc := range tests {
		o := f.call("auth:updatePasswordHash", "", tc.args)
		if o.data != tc.data || (tc.data == "" && o.err != nil) {
			t.Errorf("%s: %+v, want data %s", tc.name, o, tc.data)
		}
	}
	if got := getUserByEmailDoc(t, f, "admin@demo.test")["passwordHash"]; got != "$2a$12$x" {
		t.Fatalf("hash = %v", got)
	}
}

func TestUsersMe(t *testing.T) {
	f := newFixture(t)
	me := f.ok("users:me", "manager", `{}`).(map[string]any)
	want := []string{"_creationTime", "_id", "email", "isActive", "name", "role"}
	if len(me) != len(want) {
		t.Fatalf("keys of %v, want %v", me, want)
	}
	for _, k := range want {
		if _, ok := me[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	unauth := []struct{ name, user string }{
		{"no identity", ""},
		{"inactive", "inactive"},
		{"subject not an id", "!nope"},
		{"subject of another table", "!" + makeID("tasks", 1)},
		{"unknown user", "!" + makeID("users", 999)},
	}
	for _, tc := range unauth {
		if o := f.call("users:me", tc.user, `{}`); o.data != `{"code":"UNAUTHENTICATED"}` {
			t.Errorf("%s: %+v", tc.name, o)
		}
	}
	if got := f.invalidArgs("users:me", "admin", `{"x":1}`); got != "Unexpected field `x` in object" {
		t.Errorf("extra arg: %q", got)
	}
}

func TestUsersList(t *testing.T) {
	f := newFixture(t)
	var emails []string
	cursor := "null"
	for page := 0; ; page++ {
		r := f.ok("users:list", "admin", `{"paginationOpts":{"numItems":3,"cursor":`+cursor+`}}`).(map[string]any)
		if len(r) != 3 {
			t.Fatalf("result keys %v", r)
		}
		for _, u := range r["page"].([]any) {
			um := u.(map[string]any)
			if _, ok := um["passwordHash"]; ok {
				t.Fatal("passwordHash leaked")
			}
			emails = append(emails, um["email"].(string))
		}
		if r["isDone"] == true {
			if page != 1 || r["continueCursor"] != endCursor {
				t.Fatalf("done on page %d with cursor %v", page, r["continueCursor"])
			}
			break
		}
		cursor = mustJSON(t, r["continueCursor"])
	}
	want := "admin@demo.test manager@demo.test member@demo.test inactive@demo.test"
	if got := strings.Join(emails, " "); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
	errs := []struct{ name, user, args, data string }{
		{"member", "member", `{"paginationOpts":{"numItems":3,"cursor":null}}`, `{"code":"FORBIDDEN"}`},
		{"manager", "manager", `{"paginationOpts":{"numItems":3,"cursor":null}}`, `{"code":"FORBIDDEN"}`},
		{"anonymous", "", `{"paginationOpts":{"numItems":3,"cursor":null}}`, `{"code":"UNAUTHENTICATED"}`},
		{"forbidden before numItems", "member", `{"paginationOpts":{"numItems":0,"cursor":null}}`, `{"code":"FORBIDDEN"}`},
		{"numItems 0", "admin", `{"paginationOpts":{"numItems":0,"cursor":null}}`, `{"code":"INVALID","field":"paginationOpts.numItems","message":"numItems must be an integer between 1 and 100"}`},
		{"numItems 101", "admin", `{"paginationOpts":{"numItems":101,"cursor":null}}`, `{"code":"INVALID","field":"paginationOpts.numItems","message":"numItems must be an integer between 1 and 100"}`},
		{"numItems 2.5", "admin", `{"paginationOpts":{"numItems":2.5,"cursor":null}}`, `{"code":"INVALID","field":"paginationOpts.numItems","message":"numItems must be an integer between 1 and 100"}`},
	}
	for _, tc := range errs {
		if o := f.call("users:list", tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
}
