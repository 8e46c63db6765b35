package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
)

func pemOf(t *testing.T, typ string, der []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestParseSigningKeyPEM(t *testing.T) {
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pkcs8RSA, err8r := x509.MarshalPKCS8PrivateKey(rk)
	pkcs8EC, err8e := x509.MarshalPKCS8PrivateKey(ek)
	sec1, errSec := x509.MarshalECPrivateKey(ek)
	pubEC, errPub := x509.MarshalPKIXPublicKey(&ek.PublicKey)
	ok := []struct {
		name, alg string
		pem       []byte
		canSign   bool
	}{
		{"PKCS#8 RSA", AlgRS256, pemOf(t, "PRIVATE KEY", pkcs8RSA, err8r), true},
		{"PKCS#1 RSA", AlgRS256, pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk), nil), true},
		{"PKCS#8 EC", AlgES256, pemOf(t, "PRIVATE KEY", pkcs8EC, err8e), true},
		{"SEC1 EC", AlgES256, pemOf(t, "EC PRIVATE KEY", sec1, errSec), true},
		{"PKIX public EC", AlgES256, pemOf(t, "PUBLIC KEY", pubEC, errPub), false},
		{"PKCS#1 public RSA", AlgRS256, pemOf(t, "RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rk.PublicKey), nil), false},
	}
	kids := map[string]string{}
	for _, tc := range ok {
		k, err := ParseSigningKeyPEM(tc.pem)
		if err != nil || k.Alg != tc.alg || k.CanSign() != tc.canSign || k.Kid == "" {
			t.Fatalf("%s: %v, %v", tc.name, k, err)
		}
		// The kid depends only on the public key, whatever the encoding.
		if prev, seen := kids[tc.alg]; seen && prev != k.Kid {
			t.Fatalf("%s: kid %s differs from %s for the same key", tc.name, k.Kid, prev)
		}
		kids[tc.alg] = k.Kid
		again, err := k.MarshalPEM()
		if k2, err2 := ParseSigningKeyPEM(again); err != nil || err2 != nil || k2.Kid != k.Kid || k2.CanSign() != k.CanSign() {
			t.Fatalf("%s: MarshalPEM round trip: %v %v", tc.name, err, err2)
		}
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384der, errP := x509.MarshalPKCS8PrivateKey(p384)
	bad := map[string][]byte{
		"not PEM":     []byte("-----BEGIN NOTHING"),
		"empty":       nil,
		"certificate": pemOf(t, "CERTIFICATE", []byte{1, 2, 3}, nil),
		"corrupt DER": pemOf(t, "PRIVATE KEY", []byte{1, 2, 3}, nil),
		"RSA 1024":    pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small), nil),
		"P-384":       pemOf(t, "PRIVATE KEY", p384der, errP),
	}
	for name, in := range bad {
		if _, err := ParseSigningKeyPEM(in); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: err = %v, want ErrInvalidKey", name, err)
		}
	}
	if _, err := GenerateSigningKey("HS256"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("GenerateSigningKey(HS256) = %v", err)
	}
}
