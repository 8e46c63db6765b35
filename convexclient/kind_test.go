package convexclient

import "testing"

func TestKinds(t *testing.T) {
	cases := []struct {
		k                   Kind
		str, spec, endpoint string
	}{
		{KindQuery, "query", "Query", "/api/query"},
		{KindMutation, "mutation", "Mutation", "/api/mutation"},
		{KindAction, "action", "Action", "/api/action"},
		{0, "invalid", "", ""},
	}
	for _, tc := range cases {
		if tc.k.String() != tc.str || tc.k.SpecName() != tc.spec || tc.k.Endpoint() != tc.endpoint {
			t.Errorf("%d: %s %s %s", tc.k, tc.k, tc.k.SpecName(), tc.k.Endpoint())
		}
		if tc.k == 0 {
			continue
		}
		for _, s := range []string{tc.str, tc.spec} {
			if k, ok := ParseKind(s); !ok || k != tc.k {
				t.Errorf("ParseKind(%q) = %v, %v", s, k, ok)
			}
		}
	}
	if _, ok := ParseKind("HttpAction"); ok {
		t.Error("HttpAction parsed")
	}
	if Public.String() != "public" || Internal.String() != "internal" {
		t.Error("visibility names")
	}
}
