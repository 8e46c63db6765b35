package convexclient

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SpecProblem is one way a binding does not match the deployment.
type SpecProblem struct {
	Path string // the binding's path as declared
	// Problem is "missing", "kind mismatch: declared query, deployment has
	// Mutation", "visibility mismatch: declared internal, deployment has
	// public" (either direction: a public binding of an internal function
	// fails for users; an internal binding of a public function means the
	// function is callable by anyone, which the declaration says it must not
	// be), or a type mismatch "<field>: <what>", e.g.
	// "result[].priority: spec bigint, Go float64".
	Problem string
	// Field locates a type mismatch in the function's args or result:
	// "args.title", "result[].priority" ([] an array element, {} a record
	// value), "result" for the whole value. Empty for other problems.
	Field string
	// Spec and Go are the two sides of a type mismatch: the validator
	// (Validator.String) and the Go type; either is empty when the field
	// exists on one side only.
	Spec, Go string
}

// SpecError lists every binding that does not match a deployment's
// function spec, sorted by path.
type SpecError struct{ Problems []SpecProblem }

// Error lists the problems, one per line after a summary.
func (e *SpecError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "convexclient: bindings do not match the deployment (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  " + p.Path + ": " + p.Problem)
	}
	return b.String()
}

// FunctionSpec is the output of `npx convex function-spec`: the deployment
// URL and every function, HTTP actions included.
type FunctionSpec struct {
	URL       string
	Functions []SpecFunction // in file order
}

// SpecFunction is one function of a FunctionSpec.
type SpecFunction struct {
	// Identifier is the path as printed, e.g. "dir/messages.js:list"; empty
	// for an HTTP action.
	Identifier string
	// Path is the identifier as Convex prints paths in messages and as
	// bindings declare them: "dir/messages:list", "messages" for a default
	// export (the identifier as printed when dropping ".js" would not be a
	// valid path, as for a module "a.b.js"). Empty for an HTTP action.
	Path string
	// FunctionType is "Query", "Mutation", "Action" or "HttpAction".
	FunctionType string
	// Visibility is "public" or "internal" ("" when the spec omits it).
	Visibility string
	// Args is the args validator ({"type":"any"} when the spec has none);
	// Returns is nil when the spec's returns is null or absent (any value).
	Args, Returns *Validator
	// Method and HTTPPath describe an HTTP action.
	Method, HTTPPath string
}

// IsHTTPAction reports whether f is an HTTP action (not callable through
// the function API).
func (f *SpecFunction) IsHTTPAction() bool { return f.FunctionType == "HttpAction" }

// Kind returns the function's Kind; ok is false for an HTTP action or an
// unknown function type.
func (f *SpecFunction) Kind() (k Kind, ok bool) { return ParseKind(f.FunctionType) }

type specFunctionJSON struct {
	Identifier   string                 `json:"identifier"`
	FunctionType string                 `json:"functionType"`
	Visibility   *struct{ Kind string } `json:"visibility"`
	Args         json.RawMessage        `json:"args"`
	Returns      json.RawMessage        `json:"returns"`
	Method       string                 `json:"method"`
	Path         string                 `json:"path"`
}

// ParseFunctionSpec parses the JSON printed by `npx convex function-spec`:
// {"url": ..., "functions": [{"identifier": "tasks.js:list", "functionType":
// "Query", "visibility": {"kind": "public"}, "args": ..., "returns": ...},
// {"functionType": "HttpAction", "method": "POST", "path": "/hook"}]}.
// Errors match ErrInvalidSpec and name the function.
func ParseFunctionSpec(data []byte) (*FunctionSpec, error) {
	var raw struct {
		URL       string              `json:"url"`
		Functions *[]specFunctionJSON `json:"functions"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSpec, err)
	}
	if raw.Functions == nil {
		return nil, fmt.Errorf(`%w: no "functions" list`, ErrInvalidSpec)
	}
	spec := &FunctionSpec{URL: raw.URL, Functions: make([]SpecFunction, 0, len(*raw.Functions))}
	for i, fj := range *raw.Functions {
		f := SpecFunction{Identifier: fj.Identifier, FunctionType: fj.FunctionType, Method: fj.Method, HTTPPath: fj.Path}
		if f.IsHTTPAction() {
			spec.Functions = append(spec.Functions, f)
			continue
		}
		name := fmt.Sprintf("functions[%d] %q", i, fj.Identifier)
		key, ok := CanonicalPath(fj.Identifier)
		if !ok {
			return nil, fmt.Errorf("%w: %s: not a function identifier", ErrInvalidSpec, name)
		}
		if f.Path = displayPath(key); !ValidPath(f.Path) {
			f.Path = fj.Identifier // "a.b.js:f": without ".js" the dot is ambiguous
		}
		if fj.Visibility != nil {
			f.Visibility = fj.Visibility.Kind
		}
		var err error
		args := []byte(fj.Args)
		if len(args) == 0 || string(args) == "null" {
			args = []byte(`{"type":"any"}`)
		}
		if f.Args, err = ParseValidator(args); err != nil {
			return nil, fmt.Errorf("%s args: %w", name, err)
		}
		if len(fj.Returns) > 0 && string(fj.Returns) != "null" {
			if f.Returns, err = ParseValidator(fj.Returns); err != nil {
				return nil, fmt.Errorf("%s returns: %w", name, err)
			}
		}
		spec.Functions = append(spec.Functions, f)
	}
	return spec, nil
}

// CheckSpec compares the registered bindings with a deployment's function
// spec, the JSON printed by `npx convex function-spec` (see
// ParseFunctionSpec). It returns nil when every binding exists with its
// kind, visibility and types, a *SpecError listing every problem otherwise,
// or an error matching ErrInvalidSpec for JSON that is not a function spec.
// Functions without a binding and HTTP actions are ignored.
//
// Types are compared field by field (CheckTypes): a binding's Go args must
// encode to what the args validator accepts, and its Go result must hold
// every value the returns validator allows, without loss.
func (r *Registry) CheckSpec(specJSON []byte) error {
	spec, err := ParseFunctionSpec(specJSON)
	if err != nil {
		return err
	}
	deployed := make(map[string]*SpecFunction, len(spec.Functions))
	for i := range spec.Functions {
		if f := &spec.Functions[i]; !f.IsHTTPAction() {
			key, _ := CanonicalPath(f.Identifier)
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
		if vis := f.Visibility; vis != "" && vis != b.Visibility.String() {
			problems = append(problems, SpecProblem{Path: b.Path,
				Problem: fmt.Sprintf("visibility mismatch: declared %s, deployment has %s", b.Visibility, vis)})
		}
		problems = append(problems, CheckTypes(b, f)...)
	}
	if len(problems) > 0 {
		return &SpecError{Problems: problems}
	}
	return nil
}
