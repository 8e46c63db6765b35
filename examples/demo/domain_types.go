package demo

import "github.com/convexgw/convexgw/convexclient"

// The demo's Convex functions, their argument and result types, and the
// registry constructor are generated into bindings.go by cmd/convexgen from
// convex/function-spec.json (`npm run spec` in convex/ prints it), with the
// exposure marks and exclusions of convexgen.json. The login contract's
// functions (auth:*) are excluded: package accounts declares them, and the
// user record they return (with its password hash) must never reach a REST
// answer. A test (TestBindingsUpToDate) regenerates the file and fails on
// any difference, so the Go side cannot drift from the deployment.
//
// The same generated structs decode Convex results and encode the REST
// answers (encoding/json, Convex field names, `_id` and `_creationTime`
// included): every field the spec lists reaches REST clients, and a new
// field in the spec reaches them after `go generate` with no other change.
// Request bodies are the generated argument types too; their text rules are
// Validate methods in domain_bodies.go.
//
//go:generate go run github.com/convexgw/convexgw/cmd/convexgen -spec convex/function-spec.json -package demo -config convexgen.json -out bindings.go

// optional converts a parsed query parameter (nil when absent) to the
// generated argument field it fills.
func optional[T any](p *T) convexclient.Optional[T] {
	if p == nil {
		return convexclient.Optional[T]{}
	}
	return convexclient.Some(*p)
}
