package convexclient

import (
	"net"
	"net/url"
	"strings"
)

// parseDeploymentURL checks a deployment URL against the rules in Config.URL
// and returns it normalised as "scheme://host[:port][/prefix]" (lower-case
// scheme and host, no trailing slash): the base that endpoint paths such as
// "/api/query" are appended to. Errors are *ConfigError naming setting; they
// quote the host at most, never the whole URL (which could hold userinfo).
func parseDeploymentURL(raw, setting string, allowed []string) (string, error) {
	bad := func(reason string) (string, error) {
		return "", &ConfigError{Setting: setting, Reason: reason}
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return bad("is not set")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return bad("is not a valid URL (expected e.g. https://happy-animal-123.convex.cloud)")
	}
	if u.User != nil {
		return bad("must not contain a user name or password")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return bad("must have no query or fragment (expected e.g. https://happy-animal-123.convex.cloud)")
	}
	prefix, ok := pathPrefix(u)
	if !ok {
		return bad("has an invalid path prefix (expected plain segments of letters, digits, '-', '_', '.' or '~', e.g. https://proxy.example.com/convex)")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" {
		return bad("has no host")
	}
	if port := u.Port(); port != "" && !validPort(port) {
		return bad("has an invalid port")
	}
	loopback, site := isLoopback(host), strings.HasSuffix(host, ".convex.site")
	selfHosted := !site && hostAllowed(host, allowed)
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
	case scheme == "http" && (loopback || selfHosted):
	case scheme == "http":
		return bad("must use https (http is allowed only for loopback hosts and allowed self-hosted hosts)")
	default:
		return bad("must be an https URL")
	}
	switch {
	case site:
		return bad("is a .convex.site URL (HTTP actions); use the deployment's .convex.cloud URL instead")
	case prefix != "" && isConvexCloud(host):
		return bad("must have no path for a *.convex.cloud host (a path prefix is for a self-hosted backend behind a reverse proxy)")
	case loopback, isConvexCloud(host), selfHosted:
	default:
		return bad("host " + quoteHost(host) + " is not a *.convex.cloud host; add it to the allowed self-hosted hosts to use it")
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + prefix, nil
}

// pathPrefix returns the URL's path without its trailing slash ("" for none
// or "/"), for a deployment behind a reverse proxy that serves it under a
// prefix. Only plain segments are accepted: no escapes, no empty, "." or
// ".." segments, nothing a proxy could normalise differently.
func pathPrefix(u *url.URL) (string, bool) {
	if u.RawPath != "" {
		return "", false
	}
	p := strings.TrimSuffix(u.Path, "/")
	if p == "" {
		return "", true
	}
	if len(p) > 256 || p[0] != '/' {
		return "", false
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", false
		}
		for i := 0; i < len(seg); i++ {
			switch c := seg[i]; {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
				c == '-', c == '_', c == '.', c == '~':
			default:
				return "", false
			}
		}
	}
	return p, true
}

func isConvexCloud(host string) bool {
	name, ok := strings.CutSuffix(host, ".convex.cloud")
	if !ok || name == "" {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostAllowed(host string, allowed []string) bool {
	for _, a := range allowed {
		if a != "" && strings.EqualFold(strings.TrimSuffix(a, "."), host) {
			return true
		}
	}
	return false
}

func validPort(p string) bool {
	if len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n > 0 && n < 65536
}

// quoteHost quotes a host for an error message, shortened if very long.
func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "..."
	}
	return `"` + h + `"`
}
