package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// config is the optional -config file:
// {"expose": ["tasks:*", "users:me"], "exclude": ["auth:*"]}.
type config struct {
	// Expose lists patterns of functions callable through the gateway's
	// passthrough, as for -expose.
	Expose []string `json:"expose"`
	// Exclude lists patterns of functions to leave out of the output, as
	// for -exclude.
	Exclude []string `json:"exclude"`
}

// loadConfig reads a -config file; unknown fields are an error (a typo must
// not silently expose nothing).
func loadConfig(file string) (config, error) {
	var c config
	data, err := os.ReadFile(file)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config %s: %w", file, err)
	}
	return c, nil
}

// splitPatterns splits an -expose value: comma-separated patterns, spaces
// trimmed, empty entries dropped.
func splitPatterns(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// matchFunction reports whether pattern p (see exposure) matches f.
func matchFunction(p string, f convexclient.SpecFunction) bool {
	if ok, _ := path.Match(p, f.Path); ok {
		return true
	}
	key, _ := convexclient.CanonicalPath(f.Path)
	return key == p
}

// exclusion returns fns without the functions some pattern matches (HTTP
// actions are kept: they are only listed). Patterns are those of exposure;
// it is an error for one to be malformed or to match no function, so a
// renamed module cannot slip back into the output unnoticed.
func exclusion(patterns []string, fns []convexclient.SpecFunction) ([]convexclient.SpecFunction, error) {
	if len(patterns) == 0 {
		return fns, nil
	}
	var errs []error
	drop := make([]bool, len(fns))
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("exclude pattern %q: %w", p, err))
			continue
		}
		matched := false
		for i, f := range fns {
			if !f.IsHTTPAction() && matchFunction(p, f) {
				drop[i], matched = true, true
			}
		}
		if !matched {
			errs = append(errs, fmt.Errorf("exclude pattern %q matches no function", p))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]convexclient.SpecFunction, 0, len(fns))
	for i, f := range fns {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out, nil
}

// exposure resolves patterns against the spec's functions and returns the
// set of exposed function paths (SpecFunction.Path). A pattern is a
// path.Match pattern over "module:function" paths without ".js"
// ("messages:*", "users:me", "admin/*:list"; "*" never crosses a "/"). It is
// an error for a pattern to be malformed or to match no function, and for
// any pattern to match an internal function: internal functions are never
// exposed, and the error names every one.
func exposure(patterns []string, fns []convexclient.SpecFunction) (map[string]bool, error) {
	exposed := map[string]bool{}
	var errs []error
	var internal []string
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			errs = append(errs, fmt.Errorf("expose pattern %q: %w", p, err))
			continue
		}
		matched := false
		for _, f := range fns {
			if f.IsHTTPAction() {
				continue
			}
			if !matchFunction(p, f) {
				continue
			}
			matched = true
			if f.Visibility == "internal" {
				internal = append(internal, fmt.Sprintf("%s (pattern %q)", f.Path, p))
				continue
			}
			exposed[f.Path] = true
		}
		if !matched {
			errs = append(errs, fmt.Errorf("expose pattern %q matches no function", p))
		}
	}
	if len(internal) > 0 {
		sort.Strings(internal)
		errs = append(errs, fmt.Errorf("internal functions cannot be exposed: %s", strings.Join(internal, ", ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return exposed, nil
}
