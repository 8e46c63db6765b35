package devbackend

import (
	"testing"
)

func TestStoreInsertPatchRemove(t *testing.T) {
	s := newStore(nil)
	a := s.insert("tasks", doc{"title": "a"}, 100)
	b := s.insert("tasks", doc{"title": "b"}, 100) // same ms: bumped
	c := s.insert("tasks", doc{"title": "c"}, 50)  // clock went back: bumped
	if s.get("tasks", a)["_creationTime"] != 100.0 || s.get("tasks", b)["_creationTime"] != 100.001 {
		t.Fatalf("creation times %v %v", s.get("tasks", a)["_creationTime"], s.get("tasks", b)["_creationTime"])
	}
	if ct := s.get("tasks", c)["_creationTime"].(float64); ct <= 100.001 {
		t.Fatalf("creation time went back: %v", ct)
	}
	held := s.get("tasks", a)
	s.patch("tasks", a, doc{"title": "A", "x": true})
	if held["title"] != "a" {
		t.Fatal("patch modified a document handed out earlier")
	}
	if got := s.get("tasks", a); got["title"] != "A" || got["x"] != true || got["_id"] != a {
		t.Fatalf("patched %v", got)
	}
	if s.get("users", a) != nil || s.getAny(a) == nil {
		t.Fatal("lookup by wrong table")
	}
	s.patch("tasks", "missing", doc{"x": 1}) // no-op
	s.remove("tasks", a)
	if s.get("tasks", a) != nil || s.tableOf(a) != "tasks" {
		t.Fatal("remove")
	}
}

func TestStoreReserveShiftsIDsAndTimes(t *testing.T) {
	s := newStore(func(s *store, table string) string { return convexTestID(table, s.counter) })
	s.insert("tasks", doc{}, 10)
	s.reserve("_scheduled_functions", 10)
	id := s.insert("notifications", doc{}, 10)
	if id != "0000000000000010002notifications" {
		t.Fatalf("id after reserve = %s", id)
	}
	if ct := s.get("notifications", id)["_creationTime"].(float64); ct <= 10.001 {
		t.Fatalf("creation time after reserve = %v", ct)
	}
}

func TestStoreScanOrder(t *testing.T) {
	s := newStore(nil)
	for i, st := range []string{"b", "a", "b", "a"} {
		s.insert("beneficiaries", doc{"status": st, "n": float64(i)}, 1)
	}
	fields := []string{"status", "_creationTime", "_id"}
	asc := s.scan("beneficiaries", fields, false, nil)
	desc := s.scan("beneficiaries", fields, true, func(d doc) bool { return d["status"] == "b" })
	order := func(ds []doc) (out []float64) {
		for _, d := range ds {
			out = append(out, d["n"].(float64))
		}
		return out
	}
	if got := mustJSON(t, order(asc)); got != "[1,3,0,2]" {
		t.Fatalf("asc %s", got)
	}
	if got := mustJSON(t, order(desc)); got != "[2,0]" {
		t.Fatalf("desc filtered %s", got)
	}
}
