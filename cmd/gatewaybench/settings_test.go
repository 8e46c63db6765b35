package main

import (
	"testing"
)

func TestEnvList(t *testing.T) {
	e := envList{}
	for _, s := range []string{"GOMAXPROCS=3", "GOMEMLIMIT=24MiB", "EMPTY="} {
		if err := e.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if e["GOMAXPROCS"] != "3" || e["EMPTY"] != "" || e.String() != "EMPTY= GOMAXPROCS=3 GOMEMLIMIT=24MiB" {
		t.Errorf("envList = %v", e.String())
	}
	for _, bad := range []string{"noequals", "=v", "A B=1"} {
		if err := e.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
