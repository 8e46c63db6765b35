package convextest

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestJWTFailureTexts: the backend's code and message for each token
// failure (convex-backend crates/authentication/src/lib.rs
// validate_id_token; crates/keybroker/src/broker.rs from_custom_jwt;
// biscuit src/errors.rs ValidationError).
func TestJWTFailureTexts(t *testing.T) {
	keys := newJWTKeys(t)
	now := time.Unix(1_800_000_000, 0)
	const iss = "https://auth.example.test"
	verify := JWKSVerifier(keys.jwks, iss, "convex", func() time.Time { return now })
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": iss, "sub": "u1", "aud": "convex", "exp": now.Unix() + 60}
		if mod != nil {
			mod(c)
		}
		return c
	}
	rs := func(kid string, mod func(jwt.MapClaims)) string {
		return keys.sign(t, jwt.SigningMethodRS256, kid, claims(mod))
	}
	tests := []struct{ name, token, code, msg string }{
		{"not a jwt", "abc", "InvalidAuthHeader", "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots."},
		{"float exp", rs("rsa1", func(c jwt.MapClaims) { c["exp"] = 1.5 }), "InvalidAuthHeader", "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots."},
		{"no iss", rs("rsa1", func(c jwt.MapClaims) { delete(c, "iss") }), "InvalidAuthHeader", "Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers."},
		{"foreign issuer", rs("rsa1", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), "NoAuthProvider",
			"No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=https://auth.example.test, app_id=convex)]"},
		{"wrong audience", rs("rsa1", func(c jwt.MapClaims) { c["aud"] = "other" }), "NoAuthProvider",
			"No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=https://auth.example.test, app_id=convex)]"},
		{"no kid", rs("", nil), "InvalidAuthHeader", "Could not decode token. JWT may be missing a 'kid' (key ID) header."},
		{"unknown kid", rs("k9", nil), "InvalidAuthHeader", "Could not decode token. The JWT's 'kid' (key ID) header is 'k9', does this key match any key in the provider's JWKS?"},
		{"bad signature", withKid(t, rs("ec1", nil), "rsa1"), "InvalidAuthHeader", "Could not decode token. The JWT's 'kid' (key ID) header is 'rsa1', does this key match any key in the provider's JWKS?"},
		{"expired", rs("rsa1", func(c jwt.MapClaims) { c["exp"] = now.Unix() - 42 }), "InvalidAuthHeader", "Could not validate token: Token expired 42 seconds ago"},
		{"not yet valid", rs("rsa1", func(c jwt.MapClaims) { c["nbf"] = now.Unix() + 30 }), "InvalidAuthHeader", "Could not validate token: Token will be valid in 30 seconds"},
		{"issued in the future", rs("rsa1", func(c jwt.MapClaims) { c["iat"] = now.Unix() + 7 }), "InvalidAuthHeader", "Could not validate token: Token will be valid in 7 seconds"},
		{"no sub", rs("rsa1", func(c jwt.MapClaims) { delete(c, "sub") }), "InvalidAuthHeader", "Could not verify token claim. Check that the JWT contains valid claims and matches your auth provider configuration."},
		{"no exp", rs("rsa1", func(c jwt.MapClaims) { delete(c, "exp") }), "InvalidAuthHeader", "Could not verify token claim. Check that the JWT contains valid claims and matches your auth provider configuration."},
	}
	for _, tt := range tests {
		_, err := verify(tt.token)
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Code != tt.code || ae.Message != tt.msg || ae.status() != 401 {
			t.Errorf("%s: %v\nwant %s: %s", tt.name, err, tt.code, tt.msg)
		}
	}
	noApp := JWKSVerifier(keys.jwks, iss, "", func() time.Time { return now })
	if _, err := noApp(rs("rsa1", func(c jwt.MapClaims) { c["iss"] = "other.test" })); err == nil || !strings.Contains(err.Error(), "CustomJWT(issuer=https://auth.example.test, app_id=none)") {
		t.Errorf("no applicationID: %v", err)
	}
}

// TestBearerTrimmed: the token after "Bearer " is trimmed, as the backend does.
func TestBearerTrimmed(t *testing.T) {
	f := newAPIFixture(t)
	for _, auth := range []string{"Bearer good", "Bearer    good", "bearer good\t"} {
		if status, body, _ := postH(t, f.URL, "/api/query", `{"path":"counter:get","args":{}}`, hdr{"Authorization": auth}); status != 200 {
			t.Errorf("%q: %d %s", auth, status, body)
		}
	}
}

// jwksServer serves keys at /jwks.json, counting fetches.
type jwksServer struct {
	*httptest.Server
	fetches      atomic.Int64
	mu           sync.Mutex
	body         []byte
	cacheControl string
	contentType  string
	status       int
}

func newJWKSServer(t *testing.T, body []byte) *jwksServer {
	s := &jwksServer{body: body, cacheControl: "public, max-age=300", contentType: "application/json", status: 200}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Header.Get("Accept") != "application/json" {
			t.Errorf("Accept %q", r.Header.Get("Accept"))
		}
		if s.cacheControl != "" {
			w.Header().Set("Cache-Control", s.cacheControl)
		}
		w.Header().Set("Content-Type", s.contentType)
		w.WriteHeader(s.status)
		_, _ = w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(f func(*jwksServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// TestJWKSURLVerifier: the JWKS is fetched over HTTP and cached as its
// Cache-Control allows, so a locally run fake can trust a locally run
// gateway's tokens.
func TestJWKSURLVerifier(t *testing.T) {
	keys := newJWTKeys(t)
	srv := newJWKSServer(t, keys.jwks)
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	const iss = "https://gw.test"
	url := srv.URL + "/jwks.json"
	verify := JWKSURLVerifier(JWKSURLOptions{URL: url, Issuer: iss, ApplicationID: "convex", Now: clock})
	token := func() string {
		return keys.sign(t, jwt.SigningMethodES256, "ec1", jwt.MapClaims{"iss": iss, "sub": "u1", "aud": "convex", "exp": clock().Unix() + 600})
	}
	for range 3 {
		id, err := verify(token())
		if err != nil || id.TokenIdentifier != iss+"|u1" {
			t.Fatalf("verify: %+v, %v", id, err)
		}
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("fetched %d times within max-age, want 1", n)
	}
	advance(301 * time.Second)
	if _, err := verify(token()); err != nil || srv.fetches.Load() != 2 {
		t.Errorf("after max-age: %v, %d fetches", err, srv.fetches.Load())
	}
	// A foreign issuer is refused before any fetch.
	if _, err := verify(keys.sign(t, jwt.SigningMethodES256, "ec1", jwt.MapClaims{"iss": "https://other", "sub": "u", "exp": clock().Unix() + 60})); err == nil || srv.fetches.Load() != 2 {
		t.Errorf("foreign issuer: %v, %d fetches", err, srv.fetches.Load())
	}
	srv.set(func(s *jwksServer) { s.cacheControl = "no-store" })
	advance(301 * time.Second)
	for range 2 {
		if _, err := verify(token()); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.fetches.Load(); n != 4 {
		t.Errorf("no-store: %d fetches, want 4", n)
	}

	failures := []struct {
		name string
		set  func(*jwksServer)
		msg  string
	}{
		{"status", func(s *jwksServer) { s.status = 404 }, "Could not fetch JWKS from URL '" + url + "': HTTP 404 Not Found. Check that the URL is correct and accessible."},
		{"content type", func(s *jwksServer) { s.contentType = "text/html" }, "Invalid Content-Type 'text/html' when fetching JWKS from '" + url + "'. Expected 'application/json' or 'application/jwk-set+json'."},
		{"charset", func(s *jwksServer) { s.contentType = "application/json; charset=latin1" }, "Invalid Content-Type 'application/json; charset=latin1' when fetching JWKS from '" + url + "'. Expected 'application/json' or 'application/jwk-set+json'."},
		{"body", func(s *jwksServer) { s.body = []byte("<html>") }, "Invalid JWKS response body from '" + url + "'. The response is not valid JSON or doesn't match the expected JWKS format."},
	}
	for _, tt := range failures {
		srv.set(func(s *jwksServer) {
			s.status, s.contentType, s.body, s.cacheControl = 200, "application/json", keys.jwks, "no-store"
			tt.set(s)
		})
		_, err := verify(token())
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Code != "InvalidAuthHeader" || ae.Message != tt.msg {
			t.Errorf("%s: %v\nwant %s", tt.name, err, tt.msg)
		}
	}
	srv.set(func(s *jwksServer) {
		s.status, s.contentType, s.body = 200, "application/jwk-set+json; charset=utf-8", keys.jwks
	})
	if _, err := verify(token()); err != nil {
		t.Errorf("jwk-set+json: %v", err)
	}
	srv.Close()
	if _, err := verify(token()); err == nil || !strings.Contains(err.Error(), "Could not fetch JWKS from URL '"+url+"': ") {
		t.Errorf("server down: %v", err)
	}
}

func TestJWKSDataURL(t *testing.T) {
	keys := newJWTKeys(t)
	now := time.Unix(1_800_000_000, 0)
	verify := JWKSURLVerifier(JWKSURLOptions{URL: "data:text/plain;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(keys.jwks),
		Issuer: "https://gw.test", Now: func() time.Time { return now }})
	tok := keys.sign(t, jwt.SigningMethodRS256, "rsa1", jwt.MapClaims{"iss": "https://gw.test", "sub": "u", "exp": now.Unix() + 60})
	if _, err := verify(tok); err != nil {
		t.Fatal(err)
	}
	bad := JWKSURLVerifier(JWKSURLOptions{URL: "data:;base64,!!", Issuer: "https://gw.test", Now: func() time.Time { return now }})
	if _, err := bad(tok); err == nil || !strings.Contains(err.Error(), "Invalid JWKS data URL") {
		t.Errorf("bad data URL: %v", err)
	}
}
