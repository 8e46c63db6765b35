package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

func TestAuthorizationForms(t *testing.T) {
	tests := []struct {
		c       cred
		kind    convextest.AuthKind
		subject string
	}{
		{anon(), convextest.AuthNone, ""},
		{asAdmin(), convextest.AuthAdmin, ""},
		{asUser("u1"), convextest.AuthActing, "u1"},
		{withBearer("u2"), convextest.AuthUser, "u2"},
	}
	for _, tc := range tests {
		got, err := convextest.ParseAuthorization(authorization(tc.c))
		if err != nil || got.Kind != tc.kind || got.Subject != tc.subject {
			t.Errorf("%s: %+v, %v", tc.c, got, err)
		}
		if tc.kind == convextest.AuthActing && (got.Identity.Issuer != demoIssuer || got.Identity.TokenIdentifier != demoIssuer+"|u1") {
			t.Errorf("acting identity %+v", got.Identity)
		}
	}
}

func TestSessionExpectations(t *testing.T) {
	s := &session{}
	var v string
	s.ok(result{Status: "success", Value: json.RawMessage(`"x"`)}, &v)
	if s.err != nil || v != "x" {
		t.Fatalf("ok: %v %q", s.err, v)
	}
	s.fails(result{Status: "error", ErrorData: json.RawMessage(`{"code":"NOT_FOUND"}`)}, "NOT_FOUND")
	s.failsWith(result{Status: "error", ErrorMessage: "ArgumentValidationError: x"}, "ArgumentValidationError")
	if s.err != nil {
		t.Fatalf("unexpected failure: %v", s.err)
	}
	s.step = 3
	s.fails(result{Status: "success"}, "FORBIDDEN")
	first := s.err
	s.ok(result{Status: "error"}, nil)
	if first == nil || s.err != first || !strings.Contains(first.Error(), "step 3") {
		t.Fatalf("first failure not kept: %v / %v", first, s.err)
	}
	// Calls after a failure are skipped.
	if r := s.query("users:me", obj(), anon()); r.Status != "" {
		t.Errorf("call ran after failure: %+v", r)
	}
}

func TestPaginationOpts(t *testing.T) {
	b, _ := json.Marshal(paginationOpts(5, ""))
	if string(b) != `{"cursor":null,"numItems":5}` {
		t.Errorf("%s", b)
	}
	b, _ = json.Marshal(paginationOpts(5, "c"))
	if string(b) != `{"cursor":"c","numItems":5}` {
		t.Errorf("%s", b)
	}
}
