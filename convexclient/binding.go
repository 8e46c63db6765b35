package convexclient

import (
	"context"
	"fmt"
	"reflect"
)

// BindingInfo describes a declared binding.
type BindingInfo struct {
	Path       string // as declared, e.g. "tasks:list"
	Kind       Kind
	Visibility Visibility
	// Exposed bindings may be called through the gateway's passthrough.
	Exposed bool
	// Args and Result are the Go types of the binding's type parameters.
	Args, Result reflect.Type
	// PartialResult: Result reads only some fields of the function's
	// result on purpose (PartialResult()); the spec check does not ask for
	// the others.
	PartialResult bool
}

// BindingOption configures a binding at declaration: the Visibility
// constant Internal, or Exposed().
type BindingOption interface{ applyBinding(*BindingInfo) }

// applyBinding makes a Visibility usable as a BindingOption: passing
// Internal declares an internal function. Calls through an Internal binding
// run with Admin() unless the context carries another credential.
func (v Visibility) applyBinding(b *BindingInfo) { b.Visibility = v }

type exposed struct{}

func (exposed) applyBinding(b *BindingInfo) { b.Exposed = true }

type partialResult struct{}

func (partialResult) applyBinding(b *BindingInfo) { b.PartialResult = true }

// PartialResult declares that the binding's result type reads only some of
// the fields the function returns, on purpose (a contract that needs a
// subset of a document): the start-up spec check then does not report the
// fields Go leaves out. Never use it for results rendered to clients, whose
// fields must all be kept.
func PartialResult() BindingOption { return partialResult{} }

// Exposed marks a binding as callable through the gateway's passthrough.
func Exposed() BindingOption { return exposed{} }

// Query is a typed binding of a Convex query taking A and returning R.
// Declare it once (a package-level var or a field built at start-up) with
// NewQuery; the zero value is unusable.
type Query[A, R any] struct{ info *BindingInfo }

// Mutation is a typed binding of a Convex mutation; see Query.
type Mutation[A, R any] struct{ info *BindingInfo }

// Action is a typed binding of a Convex action; see Query.
type Action[A, R any] struct{ info *BindingInfo }

// NewQuery declares the query at path. It registers the binding in r (r may
// be nil) and panics if path is malformed or already registered in r:
// declarations are program setup, like regexp.MustCompile.
func NewQuery[A, R any](r *Registry, path string, opts ...BindingOption) Query[A, R] {
	return Query[A, R]{declare[A, R](r, KindQuery, path, opts)}
}

// NewMutation declares the mutation at path; see NewQuery.
func NewMutation[A, R any](r *Registry, path string, opts ...BindingOption) Mutation[A, R] {
	return Mutation[A, R]{declare[A, R](r, KindMutation, path, opts)}
}

// NewAction declares the action at path; see NewQuery.
func NewAction[A, R any](r *Registry, path string, opts ...BindingOption) Action[A, R] {
	return Action[A, R]{declare[A, R](r, KindAction, path, opts)}
}

func declare[A, R any](r *Registry, kind Kind, path string, opts []BindingOption) *BindingInfo {
	if !ValidPath(path) {
		panic(fmt.Sprintf("convexclient: invalid function path %q", path))
	}
	info := &BindingInfo{
		Path:   path,
		Kind:   kind,
		Args:   reflect.TypeFor[A](),
		Result: reflect.TypeFor[R](),
	}
	for _, o := range opts {
		o.applyBinding(info)
	}
	if r != nil {
		r.add(*info)
	}
	return info
}

// Call runs the query with args and returns its decoded result.
func (q Query[A, R]) Call(ctx context.Context, c *Client, args A) (R, error) {
	return callBinding[A, R](ctx, c, q.info, args)
}

// Info describes the binding.
func (q Query[A, R]) Info() BindingInfo { return *q.info }

// Call runs the mutation with args and returns its decoded result.
func (m Mutation[A, R]) Call(ctx context.Context, c *Client, args A) (R, error) {
	return callBinding[A, R](ctx, c, m.info, args)
}

// Info describes the binding.
func (m Mutation[A, R]) Info() BindingInfo { return *m.info }

// Call runs the action with args and returns its decoded result.
func (a Action[A, R]) Call(ctx context.Context, c *Client, args A) (R, error) {
	return callBinding[A, R](ctx, c, a.info, args)
}

// Info describes the binding.
func (a Action[A, R]) Info() BindingInfo { return *a.info }

func callBinding[A, R any](ctx context.Context, c *Client, info *BindingInfo, args A) (R, error) {
	var out R
	_, err := c.do(ctx, &callSpec{
		kind:     info.Kind,
		path:     info.Path,
		args:     args,
		out:      &out,
		internal: info.Visibility == Internal,
	})
	if err != nil {
		var zero R
		return zero, err
	}
	return out, nil
}
