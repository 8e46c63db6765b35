package routes

import (
	"fmt"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// Exposure decides which Convex functions the passthrough serves: those
// matching the operator's patterns (PASSTHROUGH_EXPOSE) and the app's
// bindings declared with convexclient.Exposed(). A pattern is a function
// path ("messages:list", "admin/users:get"), a module wildcard
// ("messages:*": every function of that module, not of its sub-modules),
// or "*" (every function). Whatever matches, the passthrough calls Convex
// with the caller's own credential (a user token or none, never the deploy
// key), so an internal function can never be reached through it: Convex
// answers it as missing. An Exposure is immutable and safe for concurrent
// use.
type Exposure struct {
	all     bool
	exact   map[string]bool // canonical paths
	modules map[string]bool // module paths of "module:*"
	reg     *convexclient.Registry
	public  map[string]bool // when set, patterns match only these canonical paths
}

// NewExposure parses patterns (empty entries are ignored) and adds the
// Exposed public bindings of reg (which may be nil). It fails on a
// malformed pattern, naming it.
func NewExposure(patterns []string, reg *convexclient.Registry) (*Exposure, error) {
	x := &Exposure{exact: map[string]bool{}, modules: map[string]bool{}, reg: reg}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case p == "*":
			x.all = true
		case strings.HasSuffix(p, ":*"):
			mod := strings.TrimSuffix(strings.TrimSuffix(p, ":*"), ".js")
			if !convexclient.ValidPath(mod + ":f") {
				return nil, fmt.Errorf("routes: passthrough pattern %q: not a module path", p)
			}
			x.modules[mod] = true
		default:
			c, ok := convexclient.CanonicalPath(p)
			if !ok {
				return nil, fmt.Errorf("routes: passthrough pattern %q: not a function path (module:function or module:*)", p)
			}
			x.exact[c] = true
		}
	}
	return x, nil
}

// Allows reports whether the function at canonical path (see
// convexclient.CanonicalPath) is served by the passthrough.
func (x *Exposure) Allows(canonical string) bool {
	if x == nil {
		return false
	}
	if x.public == nil || x.public[canonical] {
		if x.all || x.exact[canonical] {
			return true
		}
		if mod, _, ok := strings.Cut(canonical, ":"); ok && x.modules[mod] {
			return true
		}
	}
	if x.reg != nil {
		if b, ok := x.reg.Lookup(canonical); ok && b.Exposed && b.Visibility == convexclient.Public {
			return true
		}
	}
	return false
}

// OnlyPublic returns a copy of x whose patterns match only the functions
// in public (canonical paths a deployment's function spec lists as public).
// The gateway uses it whenever a spec is given, and requires a spec in the
// admin identity mode, where the passthrough's acting-as credential carries
// the deploy key and could otherwise reach internal functions.
func (x *Exposure) OnlyPublic(public map[string]bool) *Exposure {
	y := *x
	y.public = public
	return &y
}

// MatchPattern reports whether pattern (as NewExposure accepts) matches the
// function at canonical path: the check FUNCTION_SPEC_FILE runs at start-up.
func MatchPattern(pattern, canonical string) bool {
	x, err := NewExposure([]string{pattern}, nil)
	return err == nil && x.Allows(canonical)
}
