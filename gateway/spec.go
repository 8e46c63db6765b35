package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// functionSpec is a deployment's function spec (FUNCTION_SPEC_FILE, the
// output of `npx convex function-spec`), read at start-up.
type functionSpec struct {
	path   string
	data   []byte
	public map[string]bool // canonical path → true for public functions
	all    map[string]bool // canonical path → public (true) or internal (false)
}

// readSpec reads and parses the spec file at path.
func readSpec(path string) (*functionSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("FUNCTION_SPEC_FILE: %w", err)
	}
	var doc struct {
		Functions *[]struct {
			Identifier   string `json:"identifier"`
			FunctionType string `json:"functionType"`
			Visibility   struct {
				Kind string `json:"kind"`
			} `json:"visibility"`
		} `json:"functions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("FUNCTION_SPEC_FILE %s: not a function spec: %w", path, err)
	}
	if doc.Functions == nil {
		return nil, fmt.Errorf("FUNCTION_SPEC_FILE %s: not a function spec: no \"functions\" list", path)
	}
	s := &functionSpec{path: path, data: data, public: map[string]bool{}, all: map[string]bool{}}
	for _, f := range *doc.Functions {
		if f.FunctionType == "HttpAction" {
			continue
		}
		if c, ok := convexclient.CanonicalPath(f.Identifier); ok {
			pub := f.Visibility.Kind == "public"
			s.all[c] = pub
			if pub {
				s.public[c] = true
			}
		}
	}
	return s, nil
}

// checkExposure checks every PASSTHROUGH_EXPOSE pattern against the spec:
// a pattern that names an internal function, matches no function, or
// matches only internal ones is an error naming it (internal functions are
// never exposed, whatever FUNCTION_SPEC_STRICT says).
func (s *functionSpec) checkExposure(patterns []string) error {
	paths := make([]string, 0, len(s.all))
	for p := range s.all {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var errs []error
	for _, pat := range patterns {
		if pat == "" {
			continue
		}
		var pub, internal []string
		for _, p := range paths {
			if routes.MatchPattern(pat, p) {
				if s.all[p] {
					pub = append(pub, p)
				} else {
					internal = append(internal, p)
				}
			}
		}
		switch {
		case len(pub) == 0 && len(internal) == 0:
			errs = append(errs, fmt.Errorf("PASSTHROUGH_EXPOSE: %q matches no function of the deployment (%s)", pat, s.path))
		case len(pub) == 0 && len(internal) == 1 && !isWildcard(pat):
			errs = append(errs, fmt.Errorf("PASSTHROUGH_EXPOSE: %q is an internal function; internal functions are never exposed", pat))
		case len(pub) == 0:
			errs = append(errs, fmt.Errorf("PASSTHROUGH_EXPOSE: %q matches only internal functions (%v); internal functions are never exposed", pat, internal))
		}
	}
	return errors.Join(errs...)
}

func isWildcard(pattern string) bool {
	return pattern == "*" || (len(pattern) > 2 && pattern[len(pattern)-2:] == ":*")
}
