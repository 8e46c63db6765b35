package convexclient

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const specJSON = `{
  "url": "https://happy-animal-123.convex.cloud",
  "functions": [
    {
      "args": {"type": "object", "value": {"email": {"fieldType": {"type": "string"}, "optional": false}}},
      "functionType": "Query",
      "identifier": "users.js:getByEmail",
      "returns": {"type": "union", "value": [{"type": "string"}, {"type": "null"}]},
      "visibility": {"kind": "internal"}
    },
    {"args": {"type": "any"}, "functionType": "Query", "identifier": "tasks.js:list", "returns": null, "visibility": {"kind": "public"}},
    {"args": {"type": "any"}, "functionType": "Mutation", "identifier": "tasks.js:create", "returns": null, "visibility": {"kind": "public"}},
    {"args": {"type": "any"}, "functionType": "Query", "identifier": "admin/users.js:list", "returns": null, "visibility": {"kind": "public"}},
    {"args": {"type": "any"}, "functionType": "Action", "identifier": "mail.js:default", "returns": null, "visibility": {"kind": "public"}},
    {"functionType": "HttpAction", "method": "POST", "path": "/webhook"}
  ]
}`

type emailArgs struct {
	Email string `json:"email"`
}

func TestCheckSpecOK(t *testing.T) {
	r := NewRegistry()
	NewQuery[emailArgs, *string](r, "users:getByEmail", Internal)
	NewQuery[struct{}, any](r, "tasks:list")
	NewMutation[struct{}, any](r, "tasks.js:create")
	NewQuery[struct{}, any](r, "admin/users:list")
	NewAction[struct{}, any](r, "mail")
	if err := r.CheckSpec([]byte(specJSON)); err != nil {
		t.Fatal(err)
	}
	if err := NewRegistry().CheckSpec([]byte(specJSON)); err != nil {
		t.Fatalf("empty registry: %v", err)
	}
}

func TestCheckSpecListsEveryProblem(t *testing.T) {
	r := NewRegistry()
	NewQuery[emailArgs, any](r, "users:getByEmail")          // internal in the deployment
	NewMutation[struct{}, any](r, "tasks:list", Internal)    // kind and visibility
	NewQuery[struct{}, any](r, "tasks:remove")               // missing
	NewQuery[struct{}, any](r, "webhook:post")               // missing (HTTP actions don't count)
	NewQuery[struct{}, any](r, "admin/users:list", Internal) // public in the deployment
	NewQuery[struct{}, any](r, "tasks:create")               // kind
	err := r.CheckSpec([]byte(specJSON))
	var se *SpecError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v", err)
	}
	want := []SpecProblem{
		{Path: "admin/users:list", Problem: "visibility mismatch: declared internal, deployment has public"},
		{Path: "tasks:create", Problem: "kind mismatch: declared query, deployment has Mutation"},
		{Path: "tasks:list", Problem: "kind mismatch: declared mutation, deployment has Query"},
		{Path: "tasks:list", Problem: "visibility mismatch: declared internal, deployment has public"},
		{Path: "tasks:remove", Problem: "missing"},
		{Path: "users:getByEmail", Problem: "visibility mismatch: declared public, deployment has internal"},
		{Path: "webhook:post", Problem: "missing"},
	}
	if !reflect.DeepEqual(se.Problems, want) {
		t.Fatalf("problems:\n%v\nwant\n%v", se.Problems, want)
	}
	if !strings.Contains(err.Error(), "(7 problems)") || !strings.Contains(err.Error(), "tasks:remove: missing") {
		t.Fatalf("Error() = %s", err)
	}
}

func TestCheckSpecBadInput(t *testing.T) {
	r := NewRegistry()
	for _, in := range []string{``, `[]`, `{"url":"x"}`, `{"functions":{}}`, `not json`} {
		err := r.CheckSpec([]byte(in))
		var se *SpecError
		if err == nil || errors.As(err, &se) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
}
