package devbackend

import (
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestRequireUserAndRole(t *testing.T) {
	f := newFixture(t)
	ctx := func(subject string) *callCtx {
		c := &callCtx{db: f.b.db, args: &object{vals: map[string]any{}}}
		if subject != "" {
			c.identity = &convexclient.Identity{Subject: subject}
		}
		return c
	}
	tests := []struct {
		name, subject string
		roles         []string
		want          error
	}{
		{"admin as admin", f.ids["admin"], []string{"admin"}, nil},
		{"manager as staff", f.ids["manager"], staff, nil},
		{"member as staff", f.ids["member"], staff, errForbidden},
		{"manager as admin", f.ids["manager"], []string{"admin"}, errForbidden},
		{"inactive", f.ids["inactive"], staff, errUnauthenticated},
		{"no identity", "", staff, errUnauthenticated},
		{"not a users id", makeID("tasks", 1), staff, errUnauthenticated},
	}
	for _, tc := range tests {
		_, err := ctx(tc.subject).requireRole(tc.roles...)
		if err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	u, err := ctx(f.ids["member"]).requireUser()
	if err != nil || u["email"] != "member@demo.test" {
		t.Fatalf("requireUser = %v, %v", u, err)
	}
	if p := publicUser(u); p["passwordHash"] != nil || u["passwordHash"] == nil {
		t.Fatal("publicUser must strip a copy")
	}
}

func TestArgAccessors(t *testing.T) {
	raw, err := decodeArgs([]byte(`{"s":" x ","n":2,"b":true,"l":[1],"p":{"numItems":3,"cursor":"c","endCursor":"e","maximumRowsRead":7}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := &callCtx{args: raw.(*object)}
	if s, ok := c.str("s"); s != " x " || !ok {
		t.Error("str")
	}
	if _, ok := c.str("missing"); ok {
		t.Error("missing str present")
	}
	if n, _ := c.num("n"); n != 2 {
		t.Error("num")
	}
	if b, _ := c.boolean("b"); !b {
		t.Error("boolean")
	}
	if l, _ := c.list("l"); len(l) != 1 {
		t.Error("list")
	}
	set := doc{}
	if err := c.text(set, "s", 1, true); err != nil || set["s"] != "x" {
		t.Errorf("text: %v %v", err, set)
	}
	c.args.vals["paginationOpts"] = c.args.vals["p"]
	o := c.pageOpts()
	if o.numItems != 3 || *o.cursor != "c" || *o.endCursor != "e" || o.maximumRowsRead != 7 {
		t.Errorf("pageOpts %+v", o)
	}
	if len(nonNil(nil)) != 0 || nonNil(nil) == nil {
		t.Error("nonNil")
	}
}
