package main

import (
	"go/token"
	"strconv"
	"strings"
)

// initialisms are written in capitals inside Go names (Go's own convention:
// ID, URL, HTTP), and their plurals as "IDs", "URLs".
var initialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "jwt": true, "lhs": true, "qps": true, "ram": true,
	"rhs": true, "rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true,
	"tcp": true, "tls": true, "ttl": true, "udp": true, "ui": true, "uid": true,
	"uri": true, "url": true, "utf8": true, "uuid": true, "vm": true, "xml": true,
	"xmpp": true, "xsrf": true, "xss": true,
}

// words splits a Convex name into words: at any character that is not an
// ASCII letter or digit, at a lower-to-upper case change ("userId" → user,
// Id) and before the last capital of a run followed by a lower-case letter
// ("HTTPServer" → HTTP, Server).
func words(s string) []string {
	var out []string
	start := -1
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLower(c) && !isUpper(c) && !isDigit(c) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := s[i-1]
		split := isUpper(c) && (isLower(prev) || isDigit(prev)) ||
			isUpper(c) && isUpper(prev) && i+1 < len(s) && isLower(s[i+1])
		if split {
			out = append(out, s[start:i])
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// exported turns a Convex name (field, table, function path, literal) into
// an exported Go identifier: "_creationTime" → CreationTime, "userId" →
// UserID, "attendeeIds" → AttendeeIDs, "in progress" → InProgress. A name
// with no letters or digits gives ""; one starting with a digit gets an "X"
// in front ("2fa" → X2fa).
func exported(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		lw := strings.ToLower(w)
		switch {
		case initialisms[lw]:
			b.WriteString(strings.ToUpper(lw))
		case strings.HasSuffix(lw, "s") && initialisms[lw[:len(lw)-1]]:
			b.WriteString(strings.ToUpper(lw[:len(lw)-1]) + "s")
		default:
			b.WriteString(strings.ToUpper(lw[:1]) + lw[1:])
		}
	}
	out := b.String()
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "X" + out
	}
	return out
}

// namer hands out unique identifiers in one scope: the first request for a
// base gets it, later ones get base2, base3, ... Requests come in a fixed
// order, so the names are deterministic.
type namer struct{ used map[string]bool }

func newNamer(reserved ...string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

// take returns base, or base with the smallest suffix ≥ 2 that is free, and
// marks it used. An empty base is "X".
func (n *namer) take(base string) string {
	if base == "" {
		base = "X"
	}
	name := base
	for i := 2; n.used[name]; i++ {
		name = base + strconv.Itoa(i)
	}
	n.used[name] = true
	return name
}

// validPackage reports whether s can name the generated package.
func validPackage(s string) bool {
	return token.IsIdentifier(s) && !token.IsKeyword(s) && s != "_"
}

// tagSafe reports whether a Convex field name can be a Go struct tag name
// that both encoding/json and convexclient read back: not empty and none of
// , " ' \ or a backquote.
func tagSafe(name string) bool {
	return name != "" && !strings.ContainsAny(name, ",\"'\\`")
}
