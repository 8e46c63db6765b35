package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// csrfTokenLen is the length of an encoded token (32-byte HMAC, base64url).
const csrfTokenLen = 43

// CSRF makes and checks CSRF tokens bound to a session: the token is
// HMAC-SHA256(secret, "convexgw-csrf\x00" + session id), so it needs no
// storage, survives refreshes (the session id does not change) and dies
// with the session. It is safe for concurrent use.
type CSRF struct {
	pool sync.Pool // of hash.Hash keyed with the secret
}

// NewCSRF returns a CSRF keyed with secret (at least 32 bytes; use a key of
// its own, not a session key). Errors match ErrConfig.
func NewCSRF(secret []byte) (*CSRF, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("%w: csrf secret must be at least 32 bytes", ErrConfig)
	}
	key := append([]byte(nil), secret...)
	c := &CSRF{}
	c.pool.New = func() any { return hmac.New(sha256.New, key) }
	return c, nil
}

func (c *CSRF) mac(sessionID string, dst []byte) []byte {
	h := c.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte("convexgw-csrf\x00"))
	h.Write([]byte(sessionID))
	var sum [sha256.Size]byte
	out := h.Sum(sum[:0])
	c.pool.Put(h)
	return base64.RawURLEncoding.AppendEncode(dst, out)
}

// Token returns the CSRF token for a session id.
func (c *CSRF) Token(sessionID string) string {
	var buf [csrfTokenLen]byte
	return string(c.mac(sessionID, buf[:0]))
}

// Verify checks token against the session id in constant time. Failures
// (including an empty token or session id) match ErrCSRF.
func (c *CSRF) Verify(sessionID, token string) error {
	if sessionID == "" || len(token) != csrfTokenLen {
		return fmt.Errorf("%w: missing or malformed token", ErrCSRF)
	}
	var buf [csrfTokenLen]byte
	want := c.mac(sessionID, buf[:0])
	if subtle.ConstantTimeCompare(want, []byte(token)) != 1 {
		return fmt.Errorf("%w: token does not match session", ErrCSRF)
	}
	return nil
}

// OriginPolicy rejects cross-origin unsafe requests, using Sec-Fetch-Site,
// then Origin, then Referer. It complements the CSRF token. It is safe for
// concurrent use.
type OriginPolicy struct {
	allowed map[string]bool
}

// NewOriginPolicy allows unsafe requests from the given origins
// ("https://app.example.com", scheme and host[:port], compared
// case-insensitively) besides same-origin ones. Entries that are not
// origins are ignored.
func NewOriginPolicy(allowed []string) *OriginPolicy {
	p := &OriginPolicy{allowed: make(map[string]bool, len(allowed))}
	for _, a := range allowed {
		if o, ok := normalizeOrigin(a); ok {
			p.allowed[o] = true
		}
	}
	return p
}

// normalizeOrigin returns the origin of an http(s) URL (an Origin header, a
// Referer or a configured origin): scheme://host[:port], lower-cased,
// default ports dropped, path ignored. Anything else ("null", other
// schemes, userinfo) reports false.
func normalizeOrigin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return u.Scheme + "://" + host, true
}

// Check decides on a request from its method and its Origin, Referer and
// Sec-Fetch-Site headers (empty when absent). Safe methods (GET, HEAD,
// OPTIONS, TRACE) always pass. An unsafe request passes when
// Sec-Fetch-Site is "same-origin", or its Origin (else Referer) is an
// allowed origin, or it carries none of the three headers (not a browser:
// the CSRF token still applies). Anything else fails with
// ErrForbiddenOrigin, which matches ErrCSRF.
func (p *OriginPolicy) Check(method, origin, referer, secFetchSite string) error {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if secFetchSite == "same-origin" {
		return nil
	}
	src := origin
	if src == "" {
		src = referer
	}
	if src == "" {
		if secFetchSite == "" {
			return nil
		}
		return ErrForbiddenOrigin
	}
	if o, ok := normalizeOrigin(src); ok && p.allowed[o] {
		return nil
	}
	return ErrForbiddenOrigin
}
