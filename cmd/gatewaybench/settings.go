package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// gwSettings is the gateway configuration of the bench, given to the
// gateway process as environment variables (the names cmd/gateway reads).
type gwSettings struct {
	listenAddr     string // 127.0.0.1:port
	convexURL      string
	deployKey      string
	identityMode   string // "admin" or "jwt"
	signingKeyFile string // jwt mode
	callTimeout    time.Duration
	logLevel       string
}

// env returns the environment of the gateway process. Limits are raised so
// that rate limits and lockout never interfere with the load (the bench logs
// in with valid passwords only), and the bcrypt cost equals the seed's (10),
// so no login triggers a re-hash.
func (s gwSettings) env() map[string]string {
	m := map[string]string{
		"LISTEN_ADDR":          s.listenAddr,
		"PUBLIC_URL":           "http://" + s.listenAddr,
		"CONVEX_URL":           s.convexURL,
		"CONVEX_DEPLOY_KEY":    s.deployKey,
		"IDENTITY_MODE":        s.identityMode,
		"SESSION_SECRET":       randomHex(32),
		"CSRF_SECRET":          randomHex(32),
		"SECURE_COOKIES":       "false", // plain http on loopback
		"CONVEX_TIMEOUT":       s.callTimeout.String(),
		"BREAKER_MIN_REQUESTS": "5",
		"BREAKER_OPEN_TIMEOUT": "5m", // stays open for the whole fail-fast phase
		"BCRYPT_COST":          "10",
		"LOCKOUT_MAX_FAILURES": "1000000",
		"LOGIN_RATE":           "6000000", // per minute per IP (the limiter allows ≤ 1e6/s)
		"LOGIN_BURST":          "1000000",
		"LOGIN_ACCOUNT_RATE":   "6000000", // the bench logs one account in many times
		"LOGIN_ACCOUNT_BURST":  "2000000",
		"ALLOW_INSECURE":       "lockout", // a lockout of 1e6 guesses: the bench's choice, not production's
		"ADMIN_ADDR":           "off",
		"API_RATE":             "0", // off
		"LOG_LEVEL":            s.logLevel,
		"LOG_FORMAT":           "json",
	}
	if s.signingKeyFile != "" {
		m["SIGNING_KEY_FILE"] = s.signingKeyFile
	}
	return m
}

// environ renders env as KEY=value lines, sorted, after the few inherited
// variables a process needs (PATH, HOME, TMPDIR). Runtime knobs (GOMAXPROCS,
// GOGC, GOMEMLIMIT) reach the gateway only through -gateway-env, so the
// bench's own environment cannot skew it unnoticed.
func environ(env map[string]string) []string {
	var out []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			out = append(out, k+"="+v)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

// writeSigningKey writes a fresh ES256 (P-256) private key as PKCS#8 PEM
// into dir and returns its path.
func writeSigningKey(dir string) (string, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	path := filepath.Join(dir, "signing-key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return "", fmt.Errorf("signing key: %w", err)
	}
	return path, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// itoa is strconv.Itoa, for table cells.
func itoa(n int) string { return strconv.Itoa(n) }

// envList is a repeatable KEY=VALUE flag.
type envList map[string]string

func (e envList) String() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + e[k]
	}
	return strings.Join(keys, " ")
}

func (e envList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || strings.ContainsAny(k, " \t") {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	e[k] = v
	return nil
}
