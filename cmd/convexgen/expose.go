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

// config is the optional -config file: {"expose": ["tasks:*", "users:me"]}.
type config struct {
	// Expose lists patterns of functions callable through the gateway's
	// passthrough, as for -expose.
	Expose []string `json:"expose"`
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
			if ok, _ := path.Match(p, f.Path); !ok {
				if key, _ := convexclient.CanonicalPath(f.Path); key != p {
					continue
				}
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
