package auth

import (
	"bytes"
	"crypto/ecdsa"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestErrorsAndPrintsCarryNoSecrets drives failure paths with known secret
// values and checks no error text, and no formatted config, contains them.
func TestErrorsAndPrintsCarryNoSecrets(t *testing.T) {
	const password = "Sup3r-Secret-Passw0rd"
	clk := newClock()
	pw := NewPasswords(PasswordConfig{Cost: bcrypt.MinCost})
	hash, _ := pw.Hash(bg, password)
	s := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{}))
	tok, sess, _ := s.Issue(bg, SessionUser{UserID: "u1", Email: "ada@demo.test"})
	ct := newTestTokens(t, clk, AlgES256)
	ctok, _, _ := ct.Issue(TokenUser{Subject: "u1"})
	keyPEM, _ := ct.cfg.Signing.MarshalPEM()
	csrf, _ := NewCSRF(testCSRFSecret)
	csrfTok := csrf.Token(sess.ID)

	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }
	add(pw.Verify(bg, hash, "wrong"+password))
	add(pw.Verify(bg, hash[:30], password))
	add(pw.Verify(bg, "", password))
	add(pw.Verify(bg, hash, strings.Repeat(password, 100)))
	add(pw.Hash(bg, strings.Repeat(password, 5)))
	clk.Advance(8 * 24 * time.Hour)
	add(s.Verify(bg, tok))
	add(s.Verify(bg, tok+"x"))
	add(s.Verify(bg, tok[:len(tok)/2]))
	add(ct.Verify(ctok))
	add(ct.Verify(ctok[:len(ctok)-3]))
	add(ParseSigningKeyPEM(keyPEM[:len(keyPEM)/2]))
	add(ParseSigningKeyPEM(bytes.Replace(keyPEM, []byte("PRIVATE KEY"), []byte("PUBLIC KEY"), 2)))
	errs = append(errs, csrf.Verify(sess.ID, csrfTok[1:]+"x"), csrf.Verify("other", csrfTok))
	add(NewSessions(SessionConfig{Keys: []SessionKey{{ID: "k", Secret: []byte(password)}}}))

	secrets := []string{password, hash, tok, tok[len(tok)-20:], ctok, ctok[len(ctok)-20:], csrfTok, string(keyPEM[40:80]), string(testKeyA.Secret)}
	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: expected an error", i)
			continue
		}
		for _, sec := range secrets {
			if strings.Contains(err.Error(), sec) {
				t.Errorf("case %d: error %q contains a secret", i, err)
			}
		}
	}
	cfg := SessionConfig{Keys: []SessionKey{testKeyA}, Issuer: "i", Audience: "a"}
	tcfg := ConvexTokenConfig{Issuer: "https://gw.test", Signing: ct.cfg.Signing}
	privD := ct.cfg.Signing.private.(*ecdsa.PrivateKey).D.String()
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x"} {
		for _, v := range []any{cfg, &cfg, tcfg, ct.cfg.Signing, testKeyA} {
			out := fmt.Sprintf(f, v)
			if strings.Contains(out, string(testKeyA.Secret)) || strings.Contains(out, fmt.Sprint(testKeyA.Secret)) ||
				strings.Contains(out, fmt.Sprintf("%x", testKeyA.Secret)) ||
				strings.Contains(out, privD) || strings.Contains(out, fmt.Sprint(ct.cfg.Signing.public)) {
				t.Errorf("Sprintf(%q, %T) leaks key material: %s", f, v, out)
			}
		}
	}
}

// TestNoLoggingOfSecrets checks statically that the package logs only in
// the one place it must (the ephemeral-key warning), and that no log call
// takes a field named like a secret.
func TestNoLoggingOfSecrets(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	logCalls := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(fset, f, src, 0); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			l := strings.ToLower(line)
			if strings.Contains(l, "logger.") && (strings.Contains(l, ".warn(") || strings.Contains(l, ".info(") || strings.Contains(l, ".error(") || strings.Contains(l, ".debug(")) {
				logCalls++
			}
			if strings.Contains(l, "zap.") && (strings.Contains(l, "password") || strings.Contains(l, "secret") || strings.Contains(l, "token\"") || strings.Contains(l, "hash")) {
				t.Errorf("%s: log field looks secret: %s", f, strings.TrimSpace(line))
			}
			if strings.Contains(line, "fmt.Print") || strings.Contains(line, "log.Print") {
				t.Errorf("%s: prints outside the injected logger: %s", f, strings.TrimSpace(line))
			}
		}
	}
	if logCalls != 1 {
		t.Fatalf("found %d log calls, want exactly the ephemeral-key warning", logCalls)
	}
}

// TestImports enforces the leaf rule: auth imports neither Echo nor convexclient.
func TestImports(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); strings.Contains(p, "labstack/echo") || (strings.HasPrefix(p, "github.com/convexgw/convexgw/") && p != "github.com/convexgw/convexgw/auth") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
