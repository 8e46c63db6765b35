package devbackend

import (
	"strings"
	"testing"
)

func TestMakeIDRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for n := uint64(1); n <= 5000; n++ {
		for _, table := range tableNames {
			id := makeID(table, n)
			if len(id) != idLen {
				t.Fatalf("%s: length %d", id, len(id))
			}
			if strings.Trim(id, idAlphabet) != "" {
				t.Fatalf("%s: outside the alphabet", id)
			}
			if got := decodeID(id); got != table {
				t.Fatalf("decodeID(%s) = %q, want %q", id, got, table)
			}
			if seen[id] {
				t.Fatalf("duplicate id %s", id)
			}
			seen[id] = true
		}
	}
	if makeID("tasks", 7) != makeID("tasks", 7) {
		t.Fatal("not deterministic")
	}
}

func TestDecodeIDRejects(t *testing.T) {
	good := makeID("users", 1)
	flipped := []byte(good)
	if flipped[5] == '0' {
		flipped[5] = '1'
	} else {
		flipped[5] = '0'
	}
	for _, s := range []string{"", "abc", good + "0", string(flipped), strings.Repeat("u", 32), strings.Repeat("0", 32)} {
		if got := decodeID(s); got != "" {
			t.Errorf("decodeID(%q) = %q, want rejection", s, got)
		}
	}
}

func TestSuffixTable(t *testing.T) {
	tests := map[string]string{
		"10000tasks": "tasks", "0000000000000000000000000010000users": "users",
		"tasks": "", "12345": "", "": "", "1x": "x",
	}
	for in, want := range tests {
		if got := suffixTable(in); got != want {
			t.Errorf("suffixTable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStoreTableOf(t *testing.T) {
	s := newStore(func(_ *store, table string) string { return "custom-" + table })
	id := s.insert("tasks", doc{}, 1)
	if got := s.tableOf(id); got != "tasks" {
		t.Fatalf("tableOf custom id = %q", got)
	}
	if got := s.tableOf(makeID("meetings", 99)); got != "meetings" {
		t.Fatalf("tableOf generated id = %q", got)
	}
	if got := s.tableOf("10001donations"); got != "donations" {
		t.Fatalf("tableOf convex-test id = %q", got)
	}
}
