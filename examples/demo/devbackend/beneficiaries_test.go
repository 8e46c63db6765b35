package devbackend

import (
	"strings"
	"testing"
)

// pages walks a paginated function to the end with numItems per page and
// returns the pages' documents and each page's size.
func (f *fixture) pages(path, user, extra string, numItems int) (docs []map[string]any, sizes []int) {
	f.t.Helper()
	cursor := "null"
	for range 100 {
		args := `{"paginationOpts":{"numItems":` + mustJSON(f.t, numItems) + `,"cursor":` + cursor + `}` + extra + `}`
		r := f.ok(path, user, args).(map[string]any)
		if len(r) != 3 {
			f.t.Fatalf("%s: result keys %v", path, r)
		}
		page := r["page"].([]any)
		sizes = append(sizes, len(page))
		for _, d := range page {
			docs = append(docs, d.(map[string]any))
		}
		if r["isDone"] == true {
			if r["continueCursor"] != endCursor {
				f.t.Fatalf("done with cursor %v", r["continueCursor"])
			}
			return docs, sizes
		}
		cursor = mustJSON(f.t, r["continueCursor"])
	}
	f.t.Fatalf("%s: no end after 100 pages", path)
	return nil, nil
}

func TestBeneficiariesList(t *testing.T) {
	f := newFixture(t)
	docs, sizes := f.pages("beneficiaries:list", "member", "", 10)
	if got := mustJSON(t, sizes); got != "[10,10,5]" {
		t.Fatalf("page sizes %s", got)
	}
	for i := 1; i < len(docs); i++ {
		if docs[i]["_creationTime"].(float64) >= docs[i-1]["_creationTime"].(float64) {
			t.Fatalf("not newest first at %d", i)
		}
	}
	// A page that ends exactly at the last document is done (convex-test).
	if _, sizes := f.pages("beneficiaries:list", "member", "", 5); mustJSON(t, sizes) != "[5,5,5,5,5]" {
		t.Fatalf("exact pages %v", sizes)
	}
	inactive, sizes := f.pages("beneficiaries:list", "member", `,"status":"inactive"`, 4)
	if mustJSON(t, sizes) != "[4,2]" {
		t.Fatalf("inactive page sizes %v", sizes)
	}
	for _, d := range inactive {
		if d["status"] != "inactive" {
			t.Fatalf("status filter leaked %v", d)
		}
	}
	if o := f.call("beneficiaries:list", "", `{"paginationOpts":{"numItems":5,"cursor":null}}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Fatalf("anonymous: %+v", o)
	}
	if o := f.call("beneficiaries:list", "", `{"paginationOpts":{"numItems":500,"cursor":null}}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Fatalf("anonymous before numItems: %+v", o)
	}
	if o := f.call("beneficiaries:list", "member", `{"paginationOpts":{"numItems":500,"cursor":null}}`); !strings.Contains(o.data, "numItems must be") {
		t.Fatalf("numItems: %+v", o)
	}
}

func TestBeneficiariesCRUD(t *testing.T) {
	f := newFixture(t)
	o := f.call("beneficiaries:create", "manager", `{"fullName":" Noor  ","phone":"","city":" Lyon "}`)
	if o.err != nil {
		t.Fatal(o.err)
	}
	id := strings.Trim(o.value, `"`)
	got := f.ok("beneficiaries:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	if ct := got["_creationTime"].(float64); ct <= 1767225600000 || ct >= 1767225600001 {
		t.Fatalf("_creationTime %v", ct)
	}
	delete(got, "_creationTime")
	want := `{"_id":"` + id + `","city":"Lyon","createdAt":1767225600000,"fullName":"Noor","phone":"","status":"active","updatedAt":1767225600000}`
	if g := mustJSON(t, got); g != want {
		t.Fatalf("created\n got %s\nwant %s", g, want)
	}
	f.ok("beneficiaries:update", "admin", `{"id":"`+id+`","status":"inactive","notes":"n","fullName":"Noor B"}`)
	got = f.ok("beneficiaries:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	if got["status"] != "inactive" || got["notes"] != "n" || got["fullName"] != "Noor B" || got["city"] != "Lyon" {
		t.Fatalf("updated %v", got)
	}
	f.ok("beneficiaries:remove", "manager", `{"id":"`+id+`"}`)
	if o := f.call("beneficiaries:get", "member", `{"id":"`+id+`"}`); o.data != `{"code":"NOT_FOUND"}` {
		t.Fatalf("after remove: %+v", o)
	}
}

func TestBeneficiariesErrors(t *testing.T) {
	f := newFixture(t)
	gone := makeID("beneficiaries", 999)
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct{ name, path, user, args, data string }{
		{"member create", "beneficiaries:create", "member", `{"fullName":"A"}`, `{"code":"FORBIDDEN"}`},
		{"member update", "beneficiaries:update", "member", `{"id":"` + gone + `"}`, `{"code":"FORBIDDEN"}`},
		{"member remove", "beneficiaries:remove", "member", `{"id":"` + gone + `"}`, `{"code":"FORBIDDEN"}`},
		{"anonymous create", "beneficiaries:create", "", `{"fullName":""}`, `{"code":"UNAUTHENTICATED"}`},
		{"empty name", "beneficiaries:create", "admin", `{"fullName":"  "}`, `{"code":"INVALID","field":"fullName","message":"fullName must not be empty"}`},
		{"phone", "beneficiaries:create", "admin", `{"fullName":"A","phone":"` + long(51) + `","city":"` + long(101) + `"}`, `{"code":"INVALID","field":"phone","message":"phone must be at most 50 characters"}`},
		{"city", "beneficiaries:create", "admin", `{"fullName":"A","city":"` + long(101) + `","notes":"` + long(2001) + `"}`, `{"code":"INVALID","field":"city","message":"city must be at most 100 characters"}`},
		{"address", "beneficiaries:create", "admin", `{"fullName":"A","address":"` + long(201) + `"}`, `{"code":"INVALID","field":"address","message":"address must be at most 200 characters"}`},
		{"notes", "beneficiaries:create", "admin", `{"fullName":"A","notes":"` + long(2001) + `"}`, `{"code":"INVALID","field":"notes","message":"notes must be at most 2000 characters"}`},
		{"update rules before not found", "beneficiaries:update", "admin", `{"id":"` + gone + `","fullName":""}`, `{"code":"INVALID","field":"fullName","message":"fullName must not be empty"}`},
		{"update not found", "beneficiaries:update", "admin", `{"id":"` + gone + `","status":"active"}`, `{"code":"NOT_FOUND"}`},
		{"remove not found", "beneficiaries:remove", "admin", `{"id":"` + gone + `"}`, `{"code":"NOT_FOUND"}`},
		{"get not found", "beneficiaries:get", "member", `{"id":"` + gone + `"}`, `{"code":"NOT_FOUND"}`},
		{"get anonymous", "beneficiaries:get", "", `{"id":"` + gone + `"}`, `{"code":"UNAUTHENTICATED"}`},
	}
	for _, tc := range tests {
		if o := f.call(tc.path, tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if got := f.invalidArgs("beneficiaries:create", "admin", `{"fullName":"A","status":"gone"}`); got != "Expected one of literal, literal, got `\"gone\"`" {
		t.Errorf("status: %q", got)
	}
}
