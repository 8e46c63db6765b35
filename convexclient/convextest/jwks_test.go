package convextest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type jwtKeys struct {
	rsa  *rsa.PrivateKey
	ec   *ecdsa.PrivateKey
	jwks []byte
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newJWTKeys(t *testing.T) *jwtKeys {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := ek.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "rsa1", "alg": "RS256", "use": "sig", "n": b64u(rk.N.Bytes()), "e": b64u(big.NewInt(int64(rk.E)).Bytes())},
		{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": b64u(pt[1:33]), "y": b64u(pt[33:])},
		{"kty": "RSA", "kid": "noalg", "n": b64u(rk.N.Bytes()), "e": b64u(big.NewInt(int64(rk.E)).Bytes())},
	}})
	return &jwtKeys{rsa: rk, ec: ek, jwks: jwks}
}

func (k *jwtKeys) sign(t *testing.T, method jwt.SigningMethod, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	var key any = k.rsa
	switch method {
	case jwt.SigningMethodES256:
		key = k.ec
	case jwt.SigningMethodHS256:
		key = []byte("shared secret")
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWKSVerifier(t *testing.T) {
	keys := newJWTKeys(t)
	now := time.Unix(1_800_000_000, 0)
	const iss = "https://auth.example.test"
	verify := JWKSVerifier(keys.jwks, iss, "convex-app", func() time.Time { return now })
	base := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": iss, "sub": "user-1", "aud": "convex-app", "exp": now.Unix() + 60, "iat": now.Unix(),
			"name": "Ada", "email": "ada@example.test", "role": "admin", "properties": map[string]any{"id": "p1"}, "jti": "x"}
		if mod != nil {
			mod(c)
		}
		return c
	}
	otherRSA, _ := rsa.GenerateKey(rand.Reader, 2048)
	forged, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, base(nil)).SignedString(otherRSA)
	tests := []struct {
		name  string
		token string
		code  string // "" = valid
	}{
		{"rs256", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(nil)), ""},
		{"es256", keys.sign(t, jwt.SigningMethodES256, "ec1", base(nil)), ""},
		{"rs256 jwk without alg", keys.sign(t, jwt.SigningMethodRS256, "noalg", base(nil)), ""},
		{"aud array", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["aud"] = []string{"other", "convex-app"} })), ""},
		{"issuer without scheme", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["iss"] = "auth.example.test/" })), ""},
		{"exp 5s ago", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["exp"] = now.Unix() - 5 })), ""},
		{"exp 6s ago", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["exp"] = now.Unix() - 6 })), "InvalidAuthHeader"},
		{"nbf in 5s", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["nbf"] = now.Unix() + 5 })), ""},
		{"nbf in 6s", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["nbf"] = now.Unix() + 6 })), "InvalidAuthHeader"},
		{"iat in 6s", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["iat"] = now.Unix() + 6 })), "InvalidAuthHeader"},
		{"no iat is fine", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { delete(c, "iat") })), ""},
		{"missing exp", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { delete(c, "exp") })), "InvalidAuthHeader"},
		{"missing sub", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { delete(c, "sub") })), "InvalidAuthHeader"},
		{"missing iss", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { delete(c, "iss") })), "InvalidAuthHeader"},
		{"other issuer", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" })), "NoAuthProvider"},
		{"missing aud", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { delete(c, "aud") })), "NoAuthProvider"},
		{"wrong aud", keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(func(c jwt.MapClaims) { c["aud"] = "other" })), "NoAuthProvider"},
		{"missing kid", keys.sign(t, jwt.SigningMethodRS256, "", base(nil)), "InvalidAuthHeader"},
		{"unknown kid", keys.sign(t, jwt.SigningMethodRS256, "nope", base(nil)), "InvalidAuthHeader"},
		{"alg differs from jwk alg", keys.sign(t, jwt.SigningMethodES256, "rsa1", base(nil)), "InvalidAuthHeader"},
		{"alg does not fit key type", keys.sign(t, jwt.SigningMethodRS256, "ec1", base(nil)), "InvalidAuthHeader"},
		{"hs256 refused", keys.sign(t, jwt.SigningMethodHS256, "rsa1", base(nil)), "InvalidAuthHeader"},
		{"forged signature", withKid(t, forged, "rsa1"), "InvalidAuthHeader"},
		{"garbage", "not-a-jwt", "InvalidAuthHeader"},
		{"alg none", noneToken(t, base(nil)), "InvalidAuthHeader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := verify(tt.token)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if id.Subject != "user-1" || id.TokenIdentifier != id.Issuer+"|user-1" || id.Name != "Ada" || id.Email != "ada@example.test" {
					t.Errorf("identity %+v", id)
				}
				if id.Custom["role"] != "admin" || id.Custom["properties.id"] != "p1" || id.Custom["jti"] != nil || id.Custom["exp"] != nil {
					t.Errorf("custom claims %v", id.Custom)
				}
				return
			}
			var ae *AuthError
			if !errors.As(err, &ae) || ae.Code != tt.code {
				t.Fatalf("err %v, want code %s", err, tt.code)
			}
		})
	}
	bad := JWKSVerifier([]byte(`{"keys":[]}`), iss, "", nil)
	if _, err := bad(keys.sign(t, jwt.SigningMethodRS256, "rsa1", base(nil))); err == nil {
		t.Error("empty JWKS accepted a token")
	}
}

// withKid re-signs nothing: it rewrites the header of a token signed by
// another key so that it names kid (the signature then fails to verify).
func withKid(t *testing.T, token, kid string) string {
	t.Helper()
	parts := splitJWT(token)
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid})
	return b64u(h) + "." + parts[1] + "." + parts[2]
}

func noneToken(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := json.Marshal(map[string]string{"alg": "none", "kid": "rsa1"})
	return b64u(h) + "." + splitJWT(s)[1] + "."
}

func splitJWT(s string) [3]string {
	var out [3]string
	i := 0
	for j, start := 0, 0; j <= len(s); j++ {
		if j == len(s) || s[j] == '.' {
			if i < 3 {
				out[i] = s[start:j]
			}
			i++
			start = j + 1
		}
	}
	return out
}

func TestJWKSVerifierOverHTTP(t *testing.T) {
	keys := newJWTKeys(t)
	now := time.Unix(1_800_000_000, 0)
	f := newFixture(t, Options{VerifyToken: JWKSVerifier(keys.jwks, "https://auth.example.test", "", func() time.Time { return now })})
	tok := keys.sign(t, jwt.SigningMethodES256, "ec1", jwt.MapClaims{"iss": "https://auth.example.test", "sub": "u5", "exp": now.Unix() + 10})
	status, body := doPost(t, f.URL, "/api/query", `{"path":"auth:whoami","args":{}}`, hdr{"Authorization": "Bearer " + tok})
	if status != 200 || body != `{"status":"success","value":{"auth":"user","kind":"query","path":"auth:whoami","rid":"rid1","sub":"u5","tid":"https://auth.example.test|u5"}}` {
		t.Errorf("%d %s", status, body)
	}
	expired := keys.sign(t, jwt.SigningMethodES256, "ec1", jwt.MapClaims{"iss": "https://auth.example.test", "sub": "u5", "exp": now.Unix() - 60})
	status, body = doPost(t, f.URL, "/api/query", `{"path":"auth:whoami","args":{}}`, hdr{"Authorization": "Bearer " + expired})
	if status != 401 || body != `{"code":"InvalidAuthHeader","message":"Could not validate token: Token expired 60 seconds ago"}` {
		t.Errorf("expired: %d %s", status, body)
	}
}
