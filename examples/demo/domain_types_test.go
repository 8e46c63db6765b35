package demo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestStatsCountDecodesInt64(t *testing.T) {
	var s DonationsStatsResult
	err := convexclient.Unmarshal([]byte(`{"byMethod":{"bank":1.0,"card":2.0,"cash":0.0},"count":{"$integer":"HgAAAAAAAAA="},"total":3.0}`), &s)
	if err != nil || s.Count != 30 || s.ByMethod.Card != 2 {
		t.Fatalf("%+v %v", s, err)
	}
	out, _ := json.Marshal(s)
	if !strings.Contains(string(out), `"count":30`) {
		t.Fatalf("REST JSON %s", out)
	}
}

func TestArgsEncoding(t *testing.T) {
	// A patch sends only the fields set, and the cursor of a first page as null.
	got, err := convexclient.Marshal(TasksUpdateArgs{ID: "t1", Title: convexclient.Some("x")})
	if err != nil || string(got) != `{"id":"t1","title":"x"}` {
		t.Fatalf("%s %v", got, err)
	}
	got, err = convexclient.Marshal(UsersListArgs{PaginationOpts: UsersListArgsPaginationOpts{NumItems: 5}})
	if err != nil || string(got) != `{"paginationOpts":{"cursor":null,"numItems":5}}` {
		t.Fatalf("%s %v", got, err)
	}
}
