package backend

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path is a parsed Convex function path. The zero value is not a path.
type Path struct {
	Module string // "/"-separated components, without ".js"
	Name   string // export name, "default" when omitted
}

// String is the canonical form, the one convexclient.CanonicalPath gives
// and registries key on: "tasks:list", "tasks:default".
func (p Path) String() string { return p.Module + ":" + p.Name }

// Spec is the backend's canonical form with the module extension:
// "tasks.js:list", as printed in "Trying to execute ..." messages.
func (p Path) Spec() string { return p.Module + ".js:" + p.Name }

// Display is the stripped form the backend prints in not-found messages:
// no ".js", no ":default" ("tasks", "tasks:list").
func (p Path) Display() string {
	if p.Name == "default" {
		return p.Module
	}
	return p.String()
}

// ParsePath parses "module[:export]" with the backend's rules and error
// texts, in its order (convex-backend crates/convex/sync_types/src:
// udf_path.rs UdfPath::from_str splits at the last ':'; module_path.rs
// ModulePath::from_str; path.rs check_valid_path_component; identifier.rs
// check_valid_identifier). The error's text is the backend's; BadPathError
// makes it the 400 answer.
func ParsePath(s string) (Path, error) {
	mod, name, hasName := s, "default", false
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		mod, name, hasName = s[:i], s[i+1:], true
	}
	comps, err := parseModulePath(mod)
	if err != nil {
		return Path{}, err
	}
	if hasName {
		if err := checkIdentifier(name); err != nil {
			return Path{}, err
		}
	}
	last := strings.TrimSuffix(comps[len(comps)-1], ".js")
	comps[len(comps)-1] = last
	return Path{Module: strings.Join(comps, "/"), Name: name}, nil
}

// parseModulePath returns the module's components, the last with ".js"
// added when it has no extension, as Rust's Path and ModulePath see them.
func parseModulePath(p string) ([]string, error) {
	type comp struct {
		kind string // "Normal", "RootDir", "CurDir", "ParentDir"
		s    string
	}
	var comps []comp
	rest := p
	if strings.HasPrefix(p, "/") {
		comps = append(comps, comp{kind: "RootDir"})
		rest = strings.TrimLeft(p, "/")
	}
	for i, part := range strings.Split(rest, "/") {
		switch {
		case part == "":
		case part == ".":
			if i == 0 && len(comps) == 0 {
				comps = append(comps, comp{kind: "CurDir"})
			}
		case part == "..":
			comps = append(comps, comp{kind: "ParentDir"})
		default:
			comps = append(comps, comp{kind: "Normal", s: part})
		}
	}
	if len(comps) == 0 || comps[len(comps)-1].kind != "Normal" {
		return nil, errors.New("Module path " + p + " doesn't have a filename.")
	}
	file := comps[len(comps)-1].s
	ext, hasExt := extension(file)
	if hasExt && ext != "js" {
		return nil, errors.New("Module path (" + p + ") has an extension that isn't 'js'.")
	}
	out := make([]string, 0, len(comps))
	for _, c := range comps {
		switch c.kind {
		case "RootDir":
			return nil, errors.New("Module paths must be relative (" + p + " is absolute).")
		case "CurDir", "ParentDir":
			return nil, errors.New("Invalid path component " + c.kind + " in " + p + ".")
		}
		out = append(out, c.s)
	}
	if !hasExt {
		out[len(out)-1] += ".js"
	}
	for _, c := range out {
		if err := checkPathComponent(c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// extension is Rust's Path::extension of a file name: after the last '.',
// unless that dot starts the name.
func extension(file string) (string, bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", false
	}
	return file[i+1:], true
}

func checkPathComponent(c string) error {
	if len(c) > 64 {
		return errors.New("Path component is too long (" + strconv.Itoa(len(c)) + " > maximum 64): " + truncateUTF8(c, 64) + "...")
	}
	alnum := false
	for _, r := range c {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			alnum = true
		case r == '_' || r == '.':
		default:
			return errors.New("Path component " + c + " can only contain alphanumeric characters, underscores, or periods.")
		}
	}
	if !alnum {
		return errors.New("Path component " + c + " must have at least one alphanumeric character.")
	}
	return nil
}

// checkIdentifier is check_valid_identifier with its texts.
func checkIdentifier(s string) error {
	if s == "" {
		return errors.New("Identifier cannot be empty")
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !(first < utf8.RuneSelf && unicode.IsLetter(first)) && first != '_' {
		return errors.New("Invalid first character " + rustCharDebug(first) + " in " + s + ": Identifiers must start with an alphabetic character or underscore")
	}
	for _, r := range s[1:] {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) && r != '_' {
			return errors.New("Identifier " + s + " has invalid character " + rustCharDebug(r) + ": Identifiers can only contain alphanumeric characters or underscores")
		}
	}
	if len(s) > 64 {
		return errors.New("Identifier is too long (" + strconv.Itoa(len(s)) + " > maximum 64)")
	}
	if strings.Trim(s, "_") == "" {
		return errors.New("Identifier " + s + " cannot have exclusively underscores")
	}
	return nil
}

// rustCharDebug formats a char as Rust's {:?} does: quoted, with escapes
// for quotes, backslashes and non-printable characters.
func rustCharDebug(r rune) string {
	switch r {
	case '\'':
		return `'\''`
	case '\\':
		return `'\\'`
	case '\n':
		return `'\n'`
	case '\r':
		return `'\r'`
	case '\t':
		return `'\t'`
	case 0:
		return `'\0'`
	}
	if unicode.IsPrint(r) {
		return "'" + string(r) + "'"
	}
	return `'\u{` + strconv.FormatInt(int64(r), 16) + `}'`
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// RunPath maps the escaped URL path after "/api/run/" to a function path
// as public_function_post_with_path does: the router decodes the path,
// then each '/'-separated part is decoded again; the last part is the
// function, the rest the module ("a%2Fb/c" → "a/b:c"). ok is false for
// fewer than two parts or a bad escape (the backend's 400
// ErrMissingIdentifier). The result is to be checked with ParsePath.
func RunPath(escaped string) (string, bool) {
	decoded, err := url.PathUnescape(escaped)
	if err != nil {
		return "", false
	}
	parts := strings.Split(decoded, "/")
	if len(parts) < 2 {
		return "", false
	}
	for i, p := range parts {
		if parts[i], err = url.PathUnescape(p); err != nil {
			return "", false
		}
	}
	return strings.Join(parts[:len(parts)-1], "/") + ":" + parts[len(parts)-1], true
}

// CheckComponentPath checks a componentPath: "" is the root; otherwise
// component names (identifiers) separated by '/'
// (crates/common/src/components/component_path.rs). The error text is the
// backend's InvalidComponentPath message.
func CheckComponentPath(p string) error {
	if p == "" {
		return nil
	}
	for _, name := range strings.Split(p, "/") {
		if err := checkIdentifier(name); err != nil {
			return err
		}
	}
	return nil
}
