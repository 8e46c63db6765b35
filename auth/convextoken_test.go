package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// convexCheck verifies token the way Convex's customJwt provider does
// (convex-wire.md §6), against a JWKS document, using only the standard
// library: nothing here shares code with the issuing side.
func convexCheck(jwksDoc []byte, issuer, algorithm, appID string, now time.Time, token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	dec := base64.RawURLEncoding
	var hdr struct{ Alg, Kid string }
	hb, err := dec.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &hdr) != nil {
		return nil, errors.New("bad header")
	}
	if hdr.Kid == "" {
		return nil, errors.New("JWT may be missing a 'kid'")
	}
	if hdr.Alg != algorithm || (algorithm != "RS256" && algorithm != "ES256") {
		return nil, fmt.Errorf("alg %q != configured %q", hdr.Alg, algorithm)
	}
	var set struct {
		Keys []struct{ Kty, Alg, Kid, Use, N, E, Crv, X, Y string }
	}
	if err := json.Unmarshal(jwksDoc, &set); err != nil {
		return nil, err
	}
	var pub crypto.PublicKey
	for _, k := range set.Keys {
		if k.Kid != hdr.Kid {
			continue
		}
		if k.Alg != "" && k.Alg != hdr.Alg {
			return nil, errors.New("JWK alg mismatch")
		}
		switch k.Kty {
		case "RSA":
			n, _ := dec.DecodeString(k.N)
			e, _ := dec.DecodeString(k.E)
			pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		case "EC":
			x, _ := dec.DecodeString(k.X)
			y, _ := dec.DecodeString(k.Y)
			pk, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
			if err != nil || k.Crv != "P-256" {
				return nil, errors.New("bad EC JWK")
			}
			pub = pk
		}
	}
	if pub == nil {
		return nil, errors.New("kid not in JWKS")
	}
	sig, err := dec.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("bad signature encoding")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if hdr.Alg != "RS256" || rsa.VerifyPKCS1v15(p, crypto.SHA256, digest[:], sig) != nil {
			return nil, errors.New("bad RSA signature")
		}
	case *ecdsa.PublicKey:
		if hdr.Alg != "ES256" || len(sig) != 64 || !ecdsa.Verify(p, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return nil, errors.New("bad ECDSA signature")
		}
	}
	pb, err := dec.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(pb, &claims) != nil {
		return nil, errors.New("bad payload")
	}
	if iss, _ := claims["iss"].(string); strings.TrimRight(iss, "/") != strings.TrimRight(issuer, "/") {
		return nil, fmt.Errorf("Invalid issuer: %v != %s", claims["iss"], issuer)
	}
	audOK := false
	switch a := claims["aud"].(type) {
	case string:
		audOK = a == appID
	case []any:
		for _, v := range a {
			audOK = audOK || v == appID
		}
	}
	if !audOK {
		return nil, errors.New("aud does not contain applicationID")
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return nil, errors.New("Missing subject")
	}
	exp, ok := claims["exp"].(float64)
	if !ok {
		return nil, errors.New("Missing expiry")
	}
	const eps = 5
	nowS := float64(now.Unix())
	if nowS-exp > eps {
		return nil, errors.New("expired")
	}
	if nbf, ok := claims["nbf"].(float64); ok && nbf-nowS > eps {
		return nil, errors.New("not yet valid")
	}
	iat, ok := claims["iat"].(float64)
	if !ok || iat-nowS > eps {
		return nil, errors.New("iat missing or in the future")
	}
	return claims, nil
}

func newTestTokens(t testing.TB, clk *fakeClock, alg string, verifying ...*SigningKey) *ConvexTokens {
	t.Helper()
	k, err := GenerateSigningKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := NewConvexTokens(ConvexTokenConfig{Issuer: "https://gw.example.com/", Signing: k, Verifying: verifying, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestConvexTokensAcceptedByConvexRules(t *testing.T) {
	for _, alg := range []string{AlgES256, AlgRS256} {
		t.Run(alg, func(t *testing.T) {
			clk := newClock()
			ct := newTestTokens(t, clk, alg)
			tok, exp, err := ct.Issue(TokenUser{Subject: "user|1", Name: "Ada", Email: "ada@demo.test", Role: "admin"})
			if err != nil || !exp.Equal(clk.Now().Add(10*time.Minute)) {
				t.Fatalf("Issue = %v, %v", exp, err)
			}
			var prov map[string]string
			_ = json.Unmarshal(ct.ProviderConfig(), &prov)
			if prov["type"] != "customJwt" || prov["issuer"] != "https://gw.example.com" || prov["algorithm"] != alg ||
				prov["applicationID"] != "convex" || prov["jwks"] != "https://gw.example.com/.well-known/jwks.json" {
				t.Fatalf("ProviderConfig = %v", prov)
			}
			claims, err := convexCheck(ct.JWKS(), prov["issuer"], alg, "convex", clk.Now(), tok)
			if err != nil {
				t.Fatalf("Convex would reject the token: %v", err)
			}
			for k, want := range map[string]any{"sub": "user|1", "name": "Ada", "email": "ada@demo.test", "role": "admin",
				"iat": float64(clk.Now().Unix()), "exp": float64(exp.Unix())} {
				if claims[k] != want {
					t.Errorf("claim %s = %v, want %v", k, claims[k], want)
				}
			}
			// Convex's 5 s leeway, checked by both verifiers.
			clk.Advance(10*time.Minute + 5*time.Second)
			if _, err := convexCheck(ct.JWKS(), prov["issuer"], alg, "convex", clk.Now(), tok); err != nil {
				t.Fatalf("rejected inside the leeway: %v", err)
			}
			if _, err := ct.Verify(tok); err != nil {
				t.Fatalf("Verify inside the leeway: %v", err)
			}
			clk.Advance(2 * time.Second)
			if _, err := convexCheck(ct.JWKS(), prov["issuer"], alg, "convex", clk.Now(), tok); err == nil {
				t.Fatal("independent check accepted an expired token")
			}
			if _, err := ct.Verify(tok); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify after leeway = %v", err)
			}
		})
	}
}

func TestConvexTokensDocuments(t *testing.T) {
	clk := newClock()
	old, _ := GenerateSigningKey(AlgRS256)
	ct := newTestTokens(t, clk, AlgES256, old)
	var set struct{ Keys []map[string]string }
	if err := json.Unmarshal(ct.JWKS(), &set); err != nil || len(set.Keys) != 2 {
		t.Fatalf("JWKS = %s", ct.JWKS())
	}
	for _, k := range set.Keys {
		if k["use"] != "sig" || k["kid"] == "" || k["d"] != "" || k["p"] != "" {
			t.Fatalf("JWK %v: want use=sig, kid, and no private members", k)
		}
		// kid is the RFC 7638 thumbprint of the published members.
		var canon string
		if k["kty"] == "EC" {
			canon = fmt.Sprintf(`{"crv":"%s","kty":"EC","x":"%s","y":"%s"}`, k["crv"], k["x"], k["y"])
		} else {
			canon = fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, k["e"], k["n"])
		}
		sum := sha256.Sum256([]byte(canon))
		if k["kid"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
			t.Errorf("kid %s is not the JWK thumbprint", k["kid"])
		}
	}
	var disc map[string]any
	if err := json.Unmarshal(ct.Discovery(), &disc); err != nil {
		t.Fatal(err)
	}
	if disc["issuer"] != "https://gw.example.com" || disc["jwks_uri"] != "https://gw.example.com/.well-known/jwks.json" ||
		fmt.Sprint(disc["id_token_signing_alg_values_supported"]) != "[ES256]" || disc["response_types_supported"] == nil || disc["subject_types_supported"] == nil {
		t.Fatalf("Discovery = %s", ct.Discovery())
	}
}

func TestConvexTokensVerifyRejects(t *testing.T) {
	clk := newClock()
	rotatedOut, _ := GenerateSigningKey(AlgES256)
	ct := newTestTokens(t, clk, AlgES256)
	signer := ct.cfg.Signing
	now := clk.Now()
	base := jwt.MapClaims{"iss": "https://gw.example.com", "aud": "convex", "sub": "u1", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	rsaKey, _ := GenerateSigningKey(AlgRS256)
	cases := map[string]string{
		"unknown kid":           craft(t, jwt.SigningMethodES256, rotatedOut.private, rotatedOut.Kid, base),
		"no kid":                craft(t, jwt.SigningMethodES256, signer.private, "", base),
		"alg differs from key":  craft(t, jwt.SigningMethodRS256, rsaKey.private, signer.Kid, base),
		"HS256 with public JWK": craft(t, jwt.SigningMethodHS256, signer.JWK(), signer.Kid, base),
		"wrong issuer":          craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "iss", "https://other.example.com")),
		"wrong audience":        craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "aud", "not-convex")),
		"no sub":                craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "sub", nil)),
		"no exp":                craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "exp", nil)),
		"no iat":                craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "iat", nil)),
		"iat beyond leeway":     craft(t, jwt.SigningMethodES256, signer.private, signer.Kid, with(base, "iat", now.Add(6*time.Second).Unix())),
		"garbage":               "a.b.c",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ct.Verify(tok); !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("Verify = %v, want ErrInvalidToken", err)
			}
		})
	}
	// Rotation: a token from a key kept in Verifying still verifies.
	ct2, err := NewConvexTokens(ConvexTokenConfig{Issuer: "https://gw.example.com", Signing: signer, Verifying: []*SigningKey{rotatedOut}, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := ct2.Verify(cases["unknown kid"]); err != nil || c.KeyID != rotatedOut.Kid || c.Subject != "u1" {
		t.Fatalf("Verify with a verifying key = %+v, %v", c, err)
	}
}

func TestNewConvexTokens(t *testing.T) {
	pub, _ := GenerateSigningKey(AlgES256)
	pemPub, _ := (&SigningKey{public: pub.public}).MarshalPEM()
	verifyOnly, _ := ParseSigningKeyPEM(pemPub)
	for name, cfg := range map[string]ConvexTokenConfig{
		"no key":          {Issuer: "https://gw.test"},
		"public key only": {Issuer: "https://gw.test", Signing: verifyOnly},
		"bad issuer":      {Issuer: "gw.test", Signing: pub},
		"issuer query":    {Issuer: "https://gw.test/?x=1", Signing: pub},
	} {
		if _, err := NewConvexTokens(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
	core, logs := observer.New(zap.WarnLevel)
	ct, err := NewConvexTokens(ConvexTokenConfig{Issuer: "http://127.0.0.1:8080", Ephemeral: true, Logger: zap.New(core)})
	if err != nil || !ct.cfg.Signing.CanSign() {
		t.Fatalf("ephemeral: %v", err)
	}
	entries := logs.All()
	if len(entries) != 1 || entries[0].Level != zap.WarnLevel || !strings.Contains(entries[0].Message, "ephemeral") {
		t.Fatalf("want one loud warning, got %v", entries)
	}
	if _, _, err := ct.Issue(TokenUser{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("Issue without subject = %v", err)
	}
}
