package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
)

// Algorithms Convex accepts for customJwt providers.
const (
	AlgRS256 = "RS256"
	AlgES256 = "ES256"
)

// SigningKey is an RSA (RS256, at least 2048 bits) or ECDSA P-256 (ES256)
// key for Convex identity tokens. A key parsed from a public-key PEM only
// verifies. Its String method shows only the kid and algorithm.
type SigningKey struct {
	// Kid is the key id: the RFC 7638 JWK thumbprint, so every replica
	// loading the same PEM agrees on it.
	Kid string
	// Alg is AlgRS256 or AlgES256.
	Alg string

	private crypto.Signer // nil for verify-only keys
	public  crypto.PublicKey
}

// String implements fmt.Stringer without key material.
func (k *SigningKey) String() string { return "SigningKey{Kid:" + k.Kid + " Alg:" + k.Alg + "}" }

// GoString implements fmt.GoStringer without key material.
func (k *SigningKey) GoString() string { return k.String() }

// CanSign reports whether the key holds a private key.
func (k *SigningKey) CanSign() bool { return k.private != nil }

// Public returns the public key (*rsa.PublicKey or *ecdsa.PublicKey).
func (k *SigningKey) Public() crypto.PublicKey { return k.public }

// GenerateSigningKey returns a new random key for alg (RS256: 2048-bit RSA;
// ES256: P-256).
func GenerateSigningKey(alg string) (*SigningKey, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case AlgRS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case AlgES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("%w: algorithm must be RS256 or ES256", ErrInvalidKey)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: generating: %w", ErrInvalidKey, err)
	}
	return newSigningKey(priv, priv.Public())
}

// ParseSigningKeyPEM parses the first PEM block of data: a private key
// (PKCS#8, PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY") gives a
// signing key, a public key ("PUBLIC KEY" or "RSA PUBLIC KEY") a
// verify-only one. Errors match ErrInvalidKey and never quote the input.
func ParseSigningKeyPEM(data []byte) (*SigningKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrInvalidKey)
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%w: unsupported PEM block type %q", ErrInvalidKey, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: cannot parse %s", ErrInvalidKey, block.Type)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return newSigningKey(k, k.Public())
	case *ecdsa.PrivateKey:
		return newSigningKey(k, k.Public())
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return newSigningKey(nil, k)
	default:
		return nil, fmt.Errorf("%w: key type %T is not RSA or ECDSA", ErrInvalidKey, key)
	}
}

// MarshalPEM encodes the private key as a PKCS#8 PEM block (a public
// "PUBLIC KEY" block for verify-only keys). The result is secret.
func (k *SigningKey) MarshalPEM() ([]byte, error) {
	if k.private == nil {
		der, err := x509.MarshalPKIXPublicKey(k.public)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func newSigningKey(priv crypto.Signer, pub crypto.PublicKey) (*SigningKey, error) {
	k := &SigningKey{private: priv, public: pub}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if p.N.BitLen() < 2048 {
			return nil, fmt.Errorf("%w: RSA keys need at least 2048 bits", ErrInvalidKey)
		}
		k.Alg = AlgRS256
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA keys must use P-256", ErrInvalidKey)
		}
		k.Alg = AlgES256
	default:
		return nil, fmt.Errorf("%w: key type %T is not RSA or ECDSA", ErrInvalidKey, pub)
	}
	sum := sha256.Sum256(k.thumbprintInput())
	k.Kid = base64.RawURLEncoding.EncodeToString(sum[:])
	return k, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func ecCoord(n *big.Int) string { return b64(n.FillBytes(make([]byte, 32))) }

// ecPoint returns the affine coordinates of a P-256 public key.
func ecPoint(p *ecdsa.PublicKey) (x, y string) {
	raw, err := p.Bytes() // uncompressed: 0x04 || X || Y
	if err != nil || len(raw) != 65 {
		return ecCoord(new(big.Int)), ecCoord(new(big.Int))
	}
	return b64(raw[1:33]), b64(raw[33:])
}

// thumbprintInput is the RFC 7638 canonical JSON: required members only,
// sorted, no whitespace.
func (k *SigningKey) thumbprintInput() []byte {
	switch p := k.public.(type) {
	case *rsa.PublicKey:
		return fmt.Appendf(nil, `{"e":"%s","kty":"RSA","n":"%s"}`, b64(big.NewInt(int64(p.E)).Bytes()), b64(p.N.Bytes()))
	case *ecdsa.PublicKey:
		x, y := ecPoint(p)
		return fmt.Appendf(nil, `{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, x, y)
	}
	return nil
}

// jwk is one member of a JWKS document.
type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// JWK returns the public key as a JSON Web Key (kty, use "sig", alg, kid, ...).
func (k *SigningKey) JWK() []byte {
	j := jwk{Use: "sig", Alg: k.Alg, Kid: k.Kid}
	switch p := k.public.(type) {
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64(p.N.Bytes()), b64(big.NewInt(int64(p.E)).Bytes())
	case *ecdsa.PublicKey:
		j.Kty, j.Crv = "EC", "P-256"
		j.X, j.Y = ecPoint(p)
	}
	b, _ := json.Marshal(j) // strings only: cannot fail
	return b
}
