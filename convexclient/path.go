package convexclient

import (
	"net/url"
	"strings"
)

// Function paths (convex-wire.md §4): "<module path>:<export>", the module
// path relative to convex/, "/"-separated, optionally ending in ".js"; no ":"
// means the default export. Module path components are [A-Za-z0-9_.]{1,64}
// with at least one letter or digit; the export is an identifier of at most
// 64 characters that is not all underscores.

// ValidPath reports whether path is a well-formed Convex function path.
func ValidPath(path string) bool {
	module, fn, hasFn := strings.Cut(path, ":")
	if hasFn && !validExport(fn) {
		return false
	}
	return validModule(module)
}

// CanonicalPath returns path as "module:export" without ".js" and with an
// explicit "default" export ("messages.js" → "messages:default"), the form
// the registry keys on. ok is false for a malformed path.
func CanonicalPath(path string) (canonical string, ok bool) {
	if !ValidPath(path) {
		return "", false
	}
	module, fn, hasFn := strings.Cut(path, ":")
	module = strings.TrimSuffix(module, ".js")
	if !hasFn {
		fn = "default"
	}
	return module + ":" + fn, true
}

// displayPath is the canonical path with ":default" dropped, as
// Convex prints paths in messages.
func displayPath(canonical string) string {
	return strings.TrimSuffix(canonical, ":default")
}

func validModule(m string) bool {
	if m == "" {
		return false
	}
	for {
		comp, rest, more := strings.Cut(m, "/")
		if !validComponent(comp) {
			return false
		}
		if !more {
			// Only ".js" may end the last component when it has a dot.
			if i := strings.LastIndexByte(comp, '.'); i >= 0 && comp[i:] != ".js" {
				return false
			}
			if strings.HasSuffix(comp, ".js") && !validComponent(strings.TrimSuffix(comp, ".js")) {
				return false
			}
			return true
		}
		m = rest
	}
}

func validComponent(c string) bool {
	if c == "" || len(c) > 64 {
		return false
	}
	alnum := false
	for i := 0; i < len(c); i++ {
		switch b := c[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
			alnum = true
		case b == '_', b == '.':
		default:
			return false
		}
	}
	return alnum
}

func validExport(fn string) bool {
	if fn == "" || len(fn) > 64 {
		return false
	}
	under := true
	for i := 0; i < len(fn); i++ {
		switch b := fn[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z':
			under = false
		case b >= '0' && b <= '9':
			if i == 0 {
				return false
			}
			under = false
		case b == '_':
		default:
			return false
		}
	}
	return !under
}

// RunPath maps the escaped rest of an /api/run/{a}/{b}/.../{fn} URL path
// (what follows "/api/run/", leading and trailing slashes ignored) to the
// function path "a/b:fn", each segment URL-decoded, as the backend does.
// Fewer than two segments, an empty segment or a bad escape is not a
// function path: ok is false. The result is not checked with ValidPath.
func RunPath(escaped string) (path string, ok bool) {
	segs := strings.Split(strings.Trim(escaped, "/"), "/")
	if len(segs) < 2 {
		return "", false
	}
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return "", false
		}
		segs[i] = u
	}
	return strings.Join(segs[:len(segs)-1], "/") + ":" + segs[len(segs)-1], true
}
