package convextest

import (
	"strings"
	"testing"
	"time"
)

var recordStart = time.UnixMilli(1790000000000) // 2026-09-21

const (
	realID1 = "jd7f2kfmzm0sjhy9bd2h0yfz4n7a1b2c"
	realID2 = "k57bx3mn8v9q2w4e6r8t0y1z3a5c7d9f"
)

func TestNormalizeOffIsNoOp(t *testing.T) {
	n := NewNormalizer(NormalizeOff, recordStart)
	bodies := []string{
		`{"status":"success","value":{"_creationTime":1790000000001.5,"_id":"` + realID1 + `","createdAt":1790000000002.0}}`,
		`{"status":"success","value":[{"_id":"0000000000000000000000010004tasks","title":"<a&b>"}],"logLines":["[LOG] 'x'"]}`,
		`{"code":"BadJsonBody","message":"x"}`,
	}
	for _, b := range bodies {
		got, err := n.Response([]byte(b), "rec-x-1")
		if err != nil || string(got) != b {
			t.Errorf("Response(%s) = %s, %v; want unchanged", b, got, err)
		}
	}
	args := []byte(`{"id":"` + realID1 + `"}`)
	if got, _ := n.Upstream(args); string(got) != string(args) {
		t.Errorf("Upstream changed args: %s", got)
	}
	// A request id other than the one sent is still made stable.
	got, _ := n.Response([]byte(`{"status":"error","errorMessage":"[Request ID: 0123456789abcdef] Server Error\nx\n"}`), "rec-x-2")
	if want := `{"status":"error","errorMessage":"[Request ID: rec-x-2] Server Error\nx\n"}`; string(got) != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestNormalizeMap(t *testing.T) {
	n := NewNormalizer(NormalizeMap, recordStart)
	steps := []struct{ in, want string }{
		{
			`{"status":"success","value":"` + realID1 + `"}`,
			`{"status":"success","value":"000000000000000000000000000001id"}`,
		},
		{
			`{"status":"success","value":[{"_creationTime":1790000000001.5,"_id":"` + realID2 + `","createdAt":1790000000001,"startsAt":1767300000000,"ownerId":"` + realID1 + `","title":"Ünïcode <&>"}]}`,
			`{"status":"success","value":[{"_creationTime":1767225601000.0,"_id":"000000000000000000000000000002id","createdAt":1767225602000.0,"ownerId":"000000000000000000000000000001id","startsAt":1767300000000.0,"title":"Ünïcode <&>"}]}`,
		},
		{
			`{"status":"success","value":{"continueCursor":"opaque/abc","isDone":false,"page":[]}}`,
			`{"status":"success","value":{"continueCursor":"cursor-000001","isDone":false,"page":[]}}`,
		},
		{
			`{"status":"error","errorMessage":"[Request ID: 0123456789abcdef] Server Error\nArgumentValidationError: Value: \"` + realID2 + `\"\n","errorData":{"code":"NOT_FOUND","id":"` + realID1 + `"},"logLines":["[LOG] '` + realID2 + `'"]}`,
			`{"status":"error","errorMessage":"[Request ID: rec-s-4] Server Error\nArgumentValidationError: Value: \"000000000000000000000000000002id\"\n","errorData":{"code":"NOT_FOUND","id":"000000000000000000000000000001id"},"logLines":["[LOG] '000000000000000000000000000002id'"]}`,
		},
	}
	for i, s := range steps {
		got, err := n.Response([]byte(s.in), "rec-s-"+string(rune('1'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != s.want {
			t.Errorf("step %d:\n got %s\nwant %s", i, got, s.want)
		}
		// Normalising the stable form again changes nothing.
		again, _ := n.Response(got, "rec-s-"+string(rune('1'+i)))
		if string(again) != string(got) {
			t.Errorf("step %d not idempotent: %s", i, again)
		}
	}
	up, err := n.Upstream([]byte(`{"id":"000000000000000000000000000002id","paginationOpts":{"cursor":"cursor-000001","numItems":5.0},"since":1767225602000.0,"other":"000000000000000000000000000099id"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"` + realID2 + `","other":"000000000000000000000000000099id","paginationOpts":{"cursor":"opaque/abc","numItems":5.0},"since":1790000000001.0}`
	if string(up) != want {
		t.Errorf("Upstream:\n got %s\nwant %s", up, want)
	}
	if got := n.UpstreamString("000000000000000000000000000001id"); got != realID1 {
		t.Errorf("UpstreamString = %q", got)
	}
	if got := n.StableString(realID2); got != "000000000000000000000000000002id" {
		t.Errorf("StableString = %q", got)
	}
}

func TestNormalizeMapKeepsStableValues(t *testing.T) {
	// Output of the local runner: convex-test ids, seed times: nothing to map
	// except _creationTime (always upstream-made).
	n := NewNormalizer(NormalizeMap, recordStart)
	in := `{"status":"success","value":{"_id":"0000000000000000000000010004tasks","createdAt":1765537200000.0,"userId":"0000000000000000000000010001users"}}`
	got, err := n.Response([]byte(in), "")
	if err != nil || string(got) != in {
		t.Errorf("got %s, %v", got, err)
	}
	if !strings.Contains(string(got), "10004tasks") {
		t.Error("convex-test id mapped")
	}
}

func TestNormalizeMapNonJSONBodyKept(t *testing.T) {
	n := NewNormalizer(NormalizeMap, recordStart)
	for _, b := range []string{``, `not json`, `[1,2]`} {
		got, err := n.Response([]byte(b), "r")
		if err != nil || string(got) != b {
			t.Errorf("Response(%q) = %q, %v", b, got, err)
		}
	}
}

func TestConvexTestIDShape(t *testing.T) {
	for _, id := range []string{"000000000000000000000010002users", "0000000000000010052beneficiaries", "000000000000000000000010011tasks"} {
		if !convexTestIDRe.MatchString(id) {
			t.Errorf("%s not recognised as a convex-test id", id)
		}
	}
	for _, id := range []string{"89600n9dk46k0q0em1wxc694d75mp5e0", realID1, realID2, "012345abcdefghjkmnpqrstvwxyz0123"} {
		if convexTestIDRe.MatchString(id) {
			t.Errorf("%s taken for a convex-test id", id)
		}
	}
}
