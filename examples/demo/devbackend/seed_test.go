package devbackend

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestSeedCounts(t *testing.T) {
	f := newFixture(t)
	want := map[string]int{"users": 4, "tasks": 32, "notifications": 16, "beneficiaries": 25, "donations": 30, "meetings": 12}
	for table, n := range want {
		if got := len(f.b.db.tables[table]); got != n {
			t.Errorf("%s: %d documents, want %d", table, got, n)
		}
	}
}

func TestSeedAccountsMatchDemoAccounts(t *testing.T) {
	f := newFixture(t)
	for _, a := range DemoAccounts() {
		u := getUserByEmailDoc(t, f, a.Email)
		if u["role"] != a.Role || u["isActive"] != a.Active {
			t.Errorf("%s: role %v active %v, want %s %v", a.Email, u["role"], u["isActive"], a.Role, a.Active)
		}
		hash := u["passwordHash"].(string)
		if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != 10 {
			t.Errorf("%s: bcrypt cost %d, %v; want 10", a.Email, cost, err)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(a.Password)); err != nil {
			t.Errorf("%s: demo password does not verify: %v", a.Email, err)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(a.Password+"x")); err == nil {
			t.Errorf("%s: a wrong password verifies", a.Email)
		}
	}
}

func getUserByEmailDoc(t *testing.T, f *fixture, email string) map[string]any {
	t.Helper()
	v := f.ok("auth:getUserByEmail", "", mustJSON(t, map[string]string{"email": email}))
	u, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: got %v", email, v)
	}
	return u
}

func TestSeedRefsAndShapes(t *testing.T) {
	f := newFixture(t)
	statuses := map[string]bool{}
	for _, d := range f.b.db.tables["tasks"] {
		if f.b.db.get("users", d["userId"].(string)) == nil {
			t.Fatalf("task %v: userId not a user", d["_id"])
		}
		statuses[d["status"].(string)] = true
	}
	if len(statuses) != 4 {
		t.Errorf("task statuses %v, want all four", statuses)
	}
	linked := 0
	for _, d := range f.b.db.tables["donations"] {
		if id, ok := d["beneficiaryId"].(string); ok {
			linked++
			if f.b.db.get("beneficiaries", id) == nil {
				t.Errorf("donation %v: beneficiary %s missing", d["_id"], id)
			}
		}
	}
	if linked == 0 {
		t.Error("no donation is linked to a beneficiary")
	}
	for _, d := range f.b.db.tables["meetings"] {
		for _, a := range d["attendeeIds"].([]any) {
			if f.b.db.get("users", a.(string)) == nil {
				t.Errorf("meeting %v: attendee %v missing", d["_id"], a)
			}
		}
	}
	for table, docs := range f.b.db.tables {
		for id, d := range docs {
			if _, ok := d["$ref"]; ok {
				t.Errorf("%s %s: $ref stored", table, id)
			}
			if d["_id"] != id || d["_creationTime"] == nil {
				t.Errorf("%s %s: system fields %v %v", table, id, d["_id"], d["_creationTime"])
			}
		}
	}
}

func TestSeedDeterministicIDs(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	for k, id := range a.ids {
		if b.ids[k] != id {
			t.Errorf("%s: ids differ between backends: %s %s", k, id, b.ids[k])
		}
	}
}

func TestNewFromSeedErrors(t *testing.T) {
	tests := []struct{ name, seed, want string }{
		{"not json", `{`, "seed"},
		{"unknown table", `{"tables":{"people":[]}}`, "unknown table"},
		{"unknown ref", `{"tables":{"tasks":[{"userId":{"$ref":"nobody"}}]}}`, "unknown $ref"},
		{"duplicate ref", `{"tables":{"users":[{"$ref":"a"},{"$ref":"a"}]}}`, "duplicate $ref"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFromSeed(Options{}, []byte(tc.seed))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSeedCopy(t *testing.T) {
	s := Seed()
	s[0] = 'x'
	if Seed()[0] == 'x' {
		t.Fatal("Seed returned the embedded bytes")
	}
}
