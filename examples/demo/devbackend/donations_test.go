package devbackend

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDonationsList(t *testing.T) {
	f := newFixture(t)
	docs, sizes := f.pages("donations:list", "member", "", 7)
	if mustJSON(t, sizes) != "[7,7,7,7,2]" {
		t.Fatalf("page sizes %v", sizes)
	}
	for i := 1; i < len(docs); i++ {
		if docs[i]["receivedAt"].(float64) > docs[i-1]["receivedAt"].(float64) {
			t.Fatalf("not latest first at %d", i)
		}
	}
	if o := f.call("donations:list", "", `{"paginationOpts":{"numItems":7,"cursor":null}}`); o.data != `{"code":"UNAUTHENTICATED"}` {
		t.Fatalf("anonymous: %+v", o)
	}
}

func TestDonationsCreateUpdateRemove(t *testing.T) {
	f := newFixture(t)
	ben := f.b.db.scan("beneficiaries", []string{"_creationTime"}, false, nil)[0]["_id"].(string)
	o := f.call("donations:create", "manager", `{"donorName":" Zed ","amount":12.5,"currency":"EUR","method":"card","beneficiaryId":"`+ben+`","notes":" thanks "}`)
	if o.err != nil {
		t.Fatal(o.err)
	}
	id := strings.Trim(o.value, `"`)
	d := f.ok("donations:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	delete(d, "_creationTime")
	want := `{"_id":"` + id + `","amount":12.5,"beneficiaryId":"` + ben + `","currency":"EUR","donorName":"Zed","method":"card","notes":"thanks","receivedAt":1767225600000}`
	if got := mustJSON(t, d); got != want {
		t.Fatalf("created\n got %s\nwant %s", got, want)
	}
	f.ok("donations:update", "admin", `{"id":"`+id+`","amount":20,"method":"cash","receivedAt":1767000000000}`)
	d = f.ok("donations:get", "member", `{"id":"`+id+`"}`).(map[string]any)
	if d["amount"] != 20.0 || d["method"] != "cash" || d["receivedAt"] != 1767000000000.0 || d["donorName"] != "Zed" {
		t.Fatalf("updated %v", d)
	}
	f.ok("donations:remove", "admin", `{"id":"`+id+`"}`)
	if o := f.call("donations:remove", "admin", `{"id":"`+id+`"}`); o.data != `{"code":"NOT_FOUND"}` {
		t.Fatalf("removed twice: %+v", o)
	}
}

func TestDonationsErrors(t *testing.T) {
	f := newFixture(t)
	gone := makeID("donations", 999)
	goneBen := makeID("beneficiaries", 999)
	base := `"donorName":"A","amount":5,"currency":"EUR","method":"bank"`
	nan := `{"$float":"AAAAAAAA+H8="}`
	inf := `{"$float":"AAAAAAAA8H8="}`
	tests := []struct{ name, path, user, args, data string }{
		{"member create", "donations:create", "member", `{` + base + `}`, `{"code":"FORBIDDEN"}`},
		{"anonymous", "donations:create", "", `{` + base + `}`, `{"code":"UNAUTHENTICATED"}`},
		{"donorName", "donations:create", "admin", `{"donorName":"","amount":-1,"currency":"x","method":"bank"}`, `{"code":"INVALID","field":"donorName","message":"donorName must not be empty"}`},
		{"amount", "donations:create", "admin", `{"donorName":"A","amount":0,"currency":"x","method":"bank"}`, `{"code":"INVALID","field":"amount","message":"amount must be a positive number"}`},
		{"amount NaN", "donations:create", "admin", `{"donorName":"A","amount":` + nan + `,"currency":"EUR","method":"bank"}`, `{"code":"INVALID","field":"amount","message":"amount must be a positive number"}`},
		{"amount Inf", "donations:create", "admin", `{"donorName":"A","amount":` + inf + `,"currency":"EUR","method":"bank"}`, `{"code":"INVALID","field":"amount","message":"amount must be a positive number"}`},
		{"currency", "donations:create", "admin", `{"donorName":"A","amount":1,"currency":"eur","method":"bank"}`, `{"code":"INVALID","field":"currency","message":"currency must be a 3-letter uppercase code"}`},
		{"currency newline", "donations:create", "admin", `{"donorName":"A","amount":1,"currency":"EUR\n","method":"bank"}`, `{"code":"INVALID","field":"currency","message":"currency must be a 3-letter uppercase code"}`},
		{"receivedAt", "donations:create", "admin", `{` + base + `,"receivedAt":` + nan + `,"notes":"` + strings.Repeat("n", 2001) + `"}`, `{"code":"INVALID","field":"receivedAt","message":"receivedAt must be a finite number"}`},
		{"notes", "donations:create", "admin", `{` + base + `,"notes":"` + strings.Repeat("n", 2001) + `","beneficiaryId":"` + goneBen + `"}`, `{"code":"INVALID","field":"notes","message":"notes must be at most 2000 characters"}`},
		{"beneficiary", "donations:create", "admin", `{` + base + `,"beneficiaryId":"` + goneBen + `"}`, `{"code":"INVALID","field":"beneficiaryId","message":"beneficiary not found"}`},
		{"update member", "donations:update", "member", `{"id":"` + gone + `"}`, `{"code":"FORBIDDEN"}`},
		{"update rules before not found", "donations:update", "admin", `{"id":"` + gone + `","currency":"eu"}`, `{"code":"INVALID","field":"currency","message":"currency must be a 3-letter uppercase code"}`},
		{"update not found before beneficiary", "donations:update", "admin", `{"id":"` + gone + `","beneficiaryId":"` + goneBen + `"}`, `{"code":"NOT_FOUND"}`},
		{"remove member", "donations:remove", "member", `{"id":"` + gone + `"}`, `{"code":"FORBIDDEN"}`},
		{"get not found", "donations:get", "member", `{"id":"` + gone + `"}`, `{"code":"NOT_FOUND"}`},
	}
	for _, tc := range tests {
		if o := f.call(tc.path, tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	existing := f.b.db.scan("donations", donationIndex, false, nil)[0]["_id"].(string)
	if o := f.call("donations:update", "admin", `{"id":"`+existing+`","beneficiaryId":"`+goneBen+`"}`); o.data != `{"code":"INVALID","field":"beneficiaryId","message":"beneficiary not found"}` {
		t.Errorf("update beneficiary: %+v", o)
	}
	if got := f.invalidArgs("donations:create", "admin", `{"donorName":"A","amount":"5","currency":"EUR","method":"bank"}`); got != "Expected `number`, got `5`" {
		t.Errorf("amount string: %q", got)
	}
}

func TestDonationsStats(t *testing.T) {
	f := newFixture(t)
	var want stats
	var inRange stats
	from, to := 1764000000000.0, 1765500000000.0
	for _, d := range f.b.db.scan("donations", donationIndex, false, nil) {
		a, r := d["amount"].(float64), d["receivedAt"].(float64)
		want.Count++
		want.Total += a
		if r >= from && r < to {
			inRange.Count++
			inRange.Total += a
		}
	}
	got := f.ok("donations:stats", "manager", `{}`).(map[string]any)
	if got["total"] != want.Total || mustJSON(t, got["count"]) != `{"$integer":"HgAAAAAAAAA="}` {
		t.Fatalf("stats %v, want total %v count 30", got, want.Total)
	}
	bm := got["byMethod"].(map[string]any)
	if sum := bm["bank"].(float64) + bm["card"].(float64) + bm["cash"].(float64); sum < want.Total-1e-6 || sum > want.Total+1e-6 {
		t.Fatalf("byMethod %v does not add up to %v", bm, want.Total)
	}
	if len(got) != 3 || len(bm) != 3 {
		t.Fatalf("keys %v", got)
	}
	r := f.ok("donations:stats", "admin", `{"from":`+jsNumber(from)+`,"to":`+jsNumber(to)+`}`).(map[string]any)
	if mustJSON(t, r["count"]) != mustJSON(t, inRange.Count) || r["total"] != inRange.Total || inRange.Count == 0 || inRange.Count == 30 {
		t.Fatalf("range stats %v, want count %d total %v", r, inRange.Count, inRange.Total)
	}
	// count is an int64: {"$integer": base64 of 30 little-endian}.
	o := f.call("donations:stats", "admin", `{}`)
	var typed struct{ Count json.RawMessage }
	if err := json.Unmarshal([]byte(o.value), &typed); err != nil || string(typed.Count) != `{"$integer":"HgAAAAAAAAA="}` {
		t.Fatalf("count %s: %v", o.value, err)
	}
	tests := []struct{ name, user, args, data string }{
		{"member", "member", `{}`, `{"code":"FORBIDDEN"}`},
		{"anonymous", "", `{}`, `{"code":"UNAUTHENTICATED"}`},
		{"from", "admin", `{"from":{"$float":"AAAAAAAA8H8="},"to":1}`, `{"code":"INVALID","field":"from","message":"from must be a finite number"}`},
		{"to", "admin", `{"to":{"$float":"AAAAAAAA+H8="}}`, `{"code":"INVALID","field":"to","message":"to must be a finite number"}`},
		{"order", "admin", `{"from":2,"to":1}`, `{"code":"INVALID","field":"to","message":"to must not be before from"}`},
	}
	for _, tc := range tests {
		if o := f.call("donations:stats", tc.user, tc.args); o.data != tc.data {
			t.Errorf("%s: %+v, want %s", tc.name, o, tc.data)
		}
	}
	if o := f.call("donations:stats", "admin", `{"from":5,"to":5}`); o.err != nil || !strings.Contains(o.value, `"count":{"$integer":"AAAAAAAAAAA="}`) {
		t.Errorf("empty range: %+v", o)
	}
}
