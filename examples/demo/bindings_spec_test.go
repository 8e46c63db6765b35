package demo

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

// The deployed function spec of convex/ (`npx convex function-spec`), kept in
// the repository. The bindings are generated from it (TestBindingsUpToDate)
// and must match it: kinds, visibility, and the Go args and result types
// field by field (convexclient's CheckSpec, as the gateway runs it at
// start-up with FUNCTION_SPEC_FILE).
const deployedSpec = "convex/function-spec.json"

func TestBindingsMatchDeployedSpec(t *testing.T) {
	data, err := os.ReadFile(deployedSpec)
	if err != nil {
		t.Fatal(err)
	}
	if err := contractRegistry().CheckSpec(data); err != nil {
		t.Fatal(err)
	}
}

// editSpec returns the deployed spec with edit applied to its functions,
// keyed by identifier ("tasks.js:list"), as generic JSON.
func editSpec(t testing.TB, edit func(fns map[string]map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(deployedSpec)
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	fns := map[string]map[string]any{}
	for _, f := range spec["functions"].([]any) {
		f := f.(map[string]any)
		if id, ok := f["identifier"].(string); ok {
			fns[id] = f
		}
	}
	edit(fns)
	out, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// objectFields returns the fields of an object validator ({"type":"object",
// "value":{...}}), looking through an array's element.
func objectFields(t testing.TB, v any) map[string]any {
	t.Helper()
	m := v.(map[string]any)
	if m["type"] == "array" {
		m = m["value"].(map[string]any)
	}
	if m["type"] != "object" {
		t.Fatalf("not an object validator: %v", m)
	}
	return m["value"].(map[string]any)
}

// TestCheckSpecNamesFieldMismatches: a deployment whose functions changed
// under the generated types fails the start-up check, which names the
// function, the field and both types.
func TestCheckSpecNamesFieldMismatches(t *testing.T) {
	spec := editSpec(t, func(fns map[string]map[string]any) {
		objectFields(t, fns["tasks.js:list"]["returns"])["dueAt"] = map[string]any{
			"fieldType": map[string]any{"type": "number"}, "optional": false}
		objectFields(t, fns["donations.js:stats"]["returns"])["count"] = map[string]any{
			"fieldType": map[string]any{"type": "number"}, "optional": false}
		objectFields(t, fns["tasks.js:create"]["args"])["title"] = map[string]any{
			"fieldType": map[string]any{"type": "boolean"}, "optional": false}
	})
	err := contractRegistry().CheckSpec(spec)
	var se *convexclient.SpecError
	if !errors.As(err, &se) {
		t.Fatalf("want a *SpecError, got %v", err)
	}
	for _, want := range [][]string{{"tasks:list", "dueAt"}, {"donations:stats", "count", "int64"}, {"tasks:create", "title", "string"}} {
		found := false
		for _, p := range se.Problems {
			line := p.Path + ": " + p.Problem
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(line, w)
			}
			found = found || ok
		}
		if !found {
			t.Errorf("no problem names %q:\n%v", want, err)
		}
	}
}
