package main

import (
	"testing"
	"time"
)

func TestParseRoleTags(t *testing.T) {
	out := ` role: Total 5.14s of 5.85s (87.86%)
       2.89s (49.40%): gateway
       1.34s (22.91%): fake
       910ms (15.56%): client

 other: Total 1s of 5.85s
         1s (100%): x
`
	got, err := parseRoleTags(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Duration{"gateway": 2890 * time.Millisecond, "fake": 1340 * time.Millisecond, "client": 910 * time.Millisecond}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if _, err := parseRoleTags("nothing here"); err == nil {
		t.Error("want an error without role labels")
	}
	if _, err := parseRoleTags("role: Total\n   xs (1%): a\n"); err == nil {
		t.Error("want an error for a bad time")
	}
}
