package convexclient

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SpecProblem is one binding that does not match the deployment.
type SpecProblem struct {
	Path string // the binding's path as declared
	// Problem is "missing", "kind mismatch: declared query, deployment has
	// Mutation", or "visibility mismatch: declared internal, deployment has
	// public" (either direction: a public binding of an internal function
	// fails for users; an internal binding of a public function means the
	// function is callable by anyone, which the declaration says it must not be).
	Problem string
}

// SpecError lists every binding that does not match a deployment's
// function spec, sorted by path.
type SpecError struct{ Problems []SpecProblem }

// Error lists the problems, one per line after a summary.
func (e *SpecError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "convexclient: %d binding(s) do not match the deployment:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.Path + ": " + p.Problem)
	}
	return b.String()
}

// specFunction is one entry of `npx convex function-spec` output.
type specFunction struct {
	Identifier   string `json:"identifier"`
	FunctionType string `json:"functionType"`
	Visibility   struct {
		Kind string `json:"kind"`
	} `json:"visibility"`
}

// CheckSpec compares the registered bindings with a deployment's function
// spec, the JSON printed by `npx convex function-spec` ({"url",
// "functions":[{"identifier":"tasks.js:list","functionType":"Query",
// "visibility":{"kind":"public"},...}]}). It returns nil when every binding
// exists with its kind and visibility, a *SpecError listing every problem
// otherwise, or an error for JSON that is not a function spec. Functions
// without a binding and HTTP actions are ignored.
func (r *Registry) CheckSpec(specJSON []byte) error {
	var spec struct {
		Functions *[]specFunction `json:"functions"`
	}
	if err := json.Unmarshal(specJSON, &spec); err != nil {
		return fmt.Errorf("convexclient: function spec: %w", err)
	}
	if spec.Functions == nil {
		return fmt.Errorf("convexclient: function spec: no \"functions\" list")
	}
	deployed := make(map[string]specFunction, len(*spec.Functions))
	for _, f := range *spec.Functions {
		if f.FunctionType == "HttpAction" || f.Identifier == "" {
			continue
		}
		if key, ok := CanonicalPath(f.Identifier); ok {
			deployed[key] = f
		}
	}
	var problems []SpecProblem
	for _, b := range r.Bindings() {
		key, _ := CanonicalPath(b.Path)
		f, ok := deployed[key]
		if !ok {
			problems = append(problems, SpecProblem{Path: b.Path, Problem: "missing"})
			continue
		}
		if f.FunctionType != b.Kind.SpecName() {
			problems = append(problems, SpecProblem{Path: b.Path,
				Problem: fmt.Sprintf("kind mismatch: declared %s, deployment has %s", b.Kind, f.FunctionType)})
		}
		if vis := f.Visibility.Kind; vis != "" && vis != b.Visibility.String() {
			problems = append(problems, SpecProblem{Path: b.Path,
				Problem: fmt.Sprintf("visibility mismatch: declared %s, deployment has %s", b.Visibility, vis)})
		}
	}
	if len(problems) > 0 {
		return &SpecError{Problems: problems}
	}
	return nil
}
