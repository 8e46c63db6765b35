package devbackend

import (
	"strings"
	"testing"
)

func TestConvexTestIDs(t *testing.T) {
	tests := []struct {
		table string
		n     uint64
		want  string
	}{
		{"users", 1, "000000000000000000000010000users"},
		{"tasks", 5, "000000000000000000000010004tasks"},
		{"_scheduled_functions", 120, "000000010119_scheduled_functions"},
		{"beneficiaries", 91, "0000000000000010090beneficiaries"},
	}
	for _, tc := range tests {
		got := convexTestID(tc.table, tc.n)
		if got != tc.want || len(got) != idLen {
			t.Errorf("convexTestID(%s, %d) = %s (%d chars), want %s", tc.table, tc.n, got, len(got), tc.want)
		}
		if suffixTable(got) != tc.table {
			t.Errorf("suffixTable(%s) = %s", got, suffixTable(got))
		}
	}
}

func TestIDStyleOptions(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want func(id string) bool
	}{
		{Options{}, func(id string) bool { return decodeID(id) == "users" }},
		{Options{IDs: ConvexTestIDs}, func(id string) bool { return id == "000000000000000000000010000users" }},
		{Options{NewID: func(table string) string { return "x-" + table }}, func(id string) bool { return id == "x-users" }},
	} {
		b, err := NewFromSeed(tc.opts, seedJSON)
		if err != nil {
			t.Fatal(err)
		}
		if id := b.Refs()["admin"]; !tc.want(id) {
			t.Errorf("%+v: admin id %s", tc.opts.IDs, id)
		}
	}
	if _, err := NewFromSeed(Options{IDs: IDStyle(9)}, seedJSON); err == nil || !strings.Contains(err.Error(), "IDStyle(9)") {
		t.Fatalf("unknown style: %v", err)
	}
	if ConvexIDs.String() != "convex" || ConvexTestIDs.String() != "convex-test" {
		t.Fatal("String")
	}
}

func TestRunnerClock(t *testing.T) {
	b := New(Options{RunnerClock: true, IDs: ConvexTestIDs})
	f := &fixture{t: t, b: b, ids: map[string]string{"member": b.Refs()["member"]}}
	first := f.ok("users:me", "member", `{}`).(map[string]any)
	if first["_creationTime"] != 1767225600000.002 {
		t.Fatalf("seed time %v", first["_creationTime"])
	}
	f.invalidArgs("tasks:create", "member", `{}`) // ticks too, like the runner
	o := f.call("tasks:create", "member", `{"title":"t","priority":"low"}`)
	if o.value != `"000000000000000000000010119tasks"` {
		t.Fatalf("id %s", o.value)
	}
	d := b.db.get("tasks", "000000000000000000000010119tasks")
	if d["createdAt"] != 1767225603000.0 {
		t.Fatalf("createdAt %v, want start + 3 s", d["createdAt"])
	}
	b.Reset()
	if o := f.call("tasks:create", "member", `{"title":"t","priority":"low"}`); o.value != `"000000000000000000000010119tasks"` {
		t.Fatalf("after reset %s", o.value)
	}
	if d := b.db.get("tasks", "000000000000000000000010119tasks"); d["createdAt"] != 1767225601000.0 {
		t.Fatalf("clock not reset: %v", d["createdAt"])
	}
}
