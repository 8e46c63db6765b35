package convexclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Run runs the function at path whatever its kind (POST
// /api/run/{module}/{function}: the function's own kind decides) and
// decodes its result into out; see Call for args, out and errors. Run
// reaches root-component functions only (see Function for components).
// As the function may be a mutation or an action, Run is retried only
// when the connection could not be made, like a mutation.
func (c *Client) Run(ctx context.Context, path string, args, out any) error {
	_, err := c.do(ctx, runSpec(path, args, out, nil, false))
	return err
}

// RunRaw is Run with raw Convex-encoded args (as CallRaw) returning the
// backend's HTTP-200 body verbatim, for the gateway's /api/run passthrough.
func (c *Client) RunRaw(ctx context.Context, path string, args json.RawMessage) ([]byte, error) {
	return c.do(ctx, runSpec(path, nil, nil, args, true))
}

func runSpec(path string, args, out any, raw []byte, isRaw bool) *callSpec {
	return &callSpec{kind: KindMutation, path: path, out: out, rawMode: isRaw, api: &apiCall{
		endpoint: runEndpoint(path),
		anyKind:  true,
		body: func() ([]byte, error) {
			a, err := argsJSON(path, args, raw, isRaw)
			if err != nil {
				return nil, err
			}
			b := append(make([]byte, 0, 48+len(a)), `{"format":"`+encodedFormat+`","args":`...)
			b = append(b, a...)
			return append(b, '}'), nil
		},
	}}
}

// runEndpoint maps "admin/users:get" to "/api/run/admin/users/get" and a
// default export "messages" to "/api/run/messages/default". Malformed
// paths are refused by the engine before the endpoint is used.
func runEndpoint(path string) string {
	module, fn, ok := strings.Cut(path, ":")
	if !ok {
		fn = "default"
	}
	var b strings.Builder
	b.WriteString("/api/run")
	for _, seg := range strings.Split(module, "/") {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(seg))
	}
	b.WriteByte('/')
	b.WriteString(url.PathEscape(fn))
	return b.String()
}

// Function runs the function at path, of any kind, in the component at
// componentPath ("" for the root app; e.g. "waitlist" or "a/b" for nested
// components) over POST /api/function, and decodes its result into out;
// see Call. The endpoint needs the deploy key: Function runs with Admin()
// unless ctx carries an Admin or ActingAs credential, and refuses any other
// credential with ErrInvalidRequest before any I/O (the backend would
// answer 403 BadDeployKey). Note the backend hides internal functions from
// ActingAs callers on this endpoint. Retried like a mutation.
func (c *Client) Function(ctx context.Context, componentPath, path string, args, out any) error {
	s, err := functionSpec(ctx, componentPath, path, args, out, nil, false)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, s)
	return err
}

// FunctionRaw is Function with raw Convex-encoded args (as CallRaw),
// returning the backend's HTTP-200 body verbatim.
func (c *Client) FunctionRaw(ctx context.Context, componentPath, path string, args json.RawMessage) ([]byte, error) {
	s, err := functionSpec(ctx, componentPath, path, nil, nil, args, true)
	if err != nil {
		return nil, err
	}
	return c.do(ctx, s)
}

func functionSpec(ctx context.Context, componentPath, path string, args, out any, raw []byte, isRaw bool) (*callSpec, error) {
	if cred, ok := CredentialFrom(ctx); ok && cred.kind != credAdmin && cred.kind != credActing {
		return nil, fmt.Errorf("convexclient: %s: %w: /api/function needs the deploy key (an Admin or ActingAs credential), not %s", path, ErrInvalidRequest, cred)
	}
	if !validComponentPath(componentPath) {
		return nil, fmt.Errorf("convexclient: %s: %w: invalid component path %q", path, ErrInvalidRequest, componentPath)
	}
	return &callSpec{kind: KindMutation, path: path, out: out, rawMode: isRaw, internal: true, api: &apiCall{
		endpoint: "/api/function",
		anyKind:  true,
		body: func() ([]byte, error) {
			a, err := argsJSON(path, args, raw, isRaw)
			if err != nil {
				return nil, err
			}
			b := make([]byte, 0, 80+len(componentPath)+len(path)+len(a))
			b = append(b, '{')
			if componentPath != "" {
				b = append(b, `"componentPath":`...)
				b = appendJSONString(b, componentPath)
				b = append(b, ',')
			}
			b = append(b, `"path":`...)
			b = appendJSONString(b, path)
			b = append(b, `,"format":"`+encodedFormat+`","args":`...)
			b = append(b, a...)
			return append(b, '}'), nil
		},
	}}, nil
}

// validComponentPath: "" (root) or "/"-separated component names, each an
// identifier (letters, digits, underscores; starting with a letter or an
// underscore; not only underscores; at most 64 characters), as
// ComponentPath::from_str in convex-backend
// crates/common/src/components/component_path.rs parses it.
func validComponentPath(p string) bool {
	if p == "" {
		return true
	}
	for _, name := range strings.Split(p, "/") {
		if !validExport(name) {
			return false
		}
	}
	return true
}
