package convextest

import (
	"errors"
	"strings"
)

// functionPath is a parsed Convex function path.
type functionPath struct {
	module string // without ".js"
	name   string // export name, "default" when omitted
}

// String is the canonical form used for registration and errors: "tasks:list".
func (p functionPath) String() string { return p.module + ":" + p.name }

// Spec is the backend's canonical form with the module extension: "tasks.js:list".
func (p functionPath) Spec() string { return p.module + ".js:" + p.name }

// parseFunctionPath applies the backend's rules (convex-wire.md §4): module
// components of [A-Za-z0-9_.], at most 64 chars with an alphanumeric, an
// optional ".js" extension, and an identifier export name (default
// "default").
func parseFunctionPath(s string) (functionPath, error) {
	mod, name, hasName := strings.Cut(s, ":")
	if !hasName {
		name = "default"
	}
	if mod == "" {
		return functionPath{}, errors.New("module path is empty")
	}
	if strings.HasPrefix(mod, "/") {
		return functionPath{}, errors.New("module path must be relative")
	}
	mod = strings.TrimSuffix(mod, ".js")
	for _, c := range strings.Split(mod, "/") {
		if err := checkComponent(c); err != nil {
			return functionPath{}, err
		}
	}
	last := mod[strings.LastIndexByte(mod, '/')+1:]
	if i := strings.LastIndexByte(last, '.'); i > 0 {
		switch last[i+1:] {
		case "ts", "tsx", "jsx", "mjs", "cjs", "mts", "cts":
			return functionPath{}, errors.New("module path has an extension other than .js")
		}
	}
	if err := checkIdentifier(name); err != nil {
		return functionPath{}, err
	}
	return functionPath{module: mod, name: name}, nil
}

func checkComponent(c string) error {
	if c == "" || len(c) > 64 {
		return errors.New("module path component must be 1 to 64 characters")
	}
	alnum := false
	for i := 0; i < len(c); i++ {
		b := c[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
			alnum = true
		case b == '_' || b == '.':
		default:
			return errors.New("module path component has an invalid character")
		}
	}
	if !alnum {
		return errors.New("module path component needs an alphanumeric character")
	}
	return nil
}

func checkIdentifier(s string) error {
	if s == "" || len(s) > 64 {
		return errors.New("function name must be 1 to 64 characters")
	}
	underscores := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
		case b >= '0' && b <= '9' && i > 0:
		case b == '_':
			continue
		default:
			return errors.New("function name must be an identifier")
		}
		underscores = false
	}
	if underscores {
		return errors.New("function name cannot be all underscores")
	}
	return nil
}
