package convexclient

import (
	"strings"
	"testing"
)

// TestUnmarshalStringsOwnTheirBytes: decoded strings (shared copy or not)
// never alias the caller's buffer, which the client reuses from a pool.
func TestUnmarshalStringsOwnTheirBytes(t *testing.T) {
	type doc struct { // partial documents: every field but _id may be absent
		ID    string `json:"_id"`
		Title string `json:"title,omitempty"`
		Note  string `json:"note,omitempty"`
		Empty string `json:"empty,omitempty"`
	}
	big := strings.Repeat("x", maxSharedDoc)
	cases := []struct {
		name string
		in   string
		want []doc
	}{
		{"plain", `[{"_id":"a1","empty":"","note":"n","title":"T é"}]`, []doc{{"a1", "T é", "n", ""}}},
		{"escaped", `[{"_id":"a\"1","note":"line\nnext","title":"\u00e9"}]`, []doc{{ID: "a\"1", Title: "é", Note: "line\nnext"}}},
		{"mixed", `[{"_id":"k1","title":"x\ty"},{"_id":"k2","title":"plain"}]`, []doc{{ID: "k1", Title: "x\ty"}, {ID: "k2", Title: "plain"}}},
		{"large document", `[{"_id":"k1","note":"` + big + `"}]`, []doc{{ID: "k1", Note: big}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			buf := []byte(tc.in)
			var got []doc
			if err := Unmarshal(buf, &got); err != nil {
				t.Fatal(err)
			}
			for i := range buf {
				buf[i] = '#' // the pool reuses the body buffer
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d docs", len(got))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("doc %d = %+q, want %+q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
