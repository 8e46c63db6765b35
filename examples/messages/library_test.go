package messages_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/messages"
)

// TestExternalModule builds examples/library (the README's library example)
// as a module of its own in a temp dir, with only a replace directive
// pointing at this repository, runs it against the messages app's fake
// deployment, and walks login → read → write → logout through its two REST
// routes and the gateway's session and CSRF middleware.
func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module (-short)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"main.go", "go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(root, "examples", "library", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "go.mod" {
			data = []byte(strings.Replace(string(data), "=> ../..", "=> "+root, 1))
			if !strings.Contains(string(data), "=> "+root) {
				t.Fatal("examples/library/go.mod has no replace directive for the repository")
			}
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "messagesgateway")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the external module: %v\n%s", err, out)
	}

	const key = "dev:library-test|key"
	d, err := messages.Deployment(convextest.Options{AdminKey: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewServer(d)
	t.Cleanup(backend.Close)

	addr := freeAddr(t)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	gw := exec.CommandContext(ctx, bin)
	gw.Env = append(os.Environ(),
		"LISTEN_ADDR="+addr, "PUBLIC_URL="+base, "CONVEX_URL="+backend.URL, "CONVEX_DEPLOY_KEY="+key,
		"IDENTITY_MODE=admin", "SESSION_SECRET=5b2e8f1a4d7c0e3b6a9f2c5e8b1d4a7f0c3e6b9a", "CSRF_SECRET=e1c4f7a0d3b6e9c2f5a8d1b4e7c0a3f6d9b2e5c8",
		"SECURE_COOKIES=false", "BCRYPT_COST=10", "LOG_LEVEL=warn",
		"ACCOUNTS_FIND_BY_EMAIL=users:byEmail", "ACCOUNTS_RECORD_LOGIN=off", "ACCOUNTS_SET_PASSWORD_HASH=off")
	var logs strings.Builder
	gw.Stdout, gw.Stderr = &logs, &logs
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = gw.Wait()
		if t.Failed() {
			t.Logf("gateway output:\n%s", logs.String())
		}
	})
	waitHealthy(t, base)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	do := func(method, path, body, csrf string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
			req.Header.Set("Origin", base)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		return res.StatusCode, data
	}

	st, body := do(http.MethodGet, "/api/messages", "", "")
	if st != http.StatusUnauthorized {
		t.Fatalf("read without a session: %d %s", st, body)
	}
	st, body = do(http.MethodPost, "/api/auth/login", `{"email":"`+messages.UserEmail+`","password":"`+messages.UserPassword+`"}`, "")
	var login struct {
		CSRFToken string `json:"csrfToken"`
		User      struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	if err := json.Unmarshal(body, &login); st != http.StatusOK || err != nil || login.User.ID != messages.UserID {
		t.Fatalf("login: %d %s", st, body)
	}
	st, body = do(http.MethodGet, "/api/messages", "", "")
	if st != http.StatusOK || !strings.Contains(string(body), "Welcome to the messages app.") {
		t.Fatalf("read: %d %s", st, body)
	}
	if st, body = do(http.MethodPost, "/api/messages", `{"body":"no token"}`, ""); st != http.StatusForbidden {
		t.Fatalf("write without the CSRF token: %d %s", st, body)
	}
	if st, body = do(http.MethodPost, "/api/messages", `{"body":"hi","extra":1}`, login.CSRFToken); st != http.StatusBadRequest {
		t.Fatalf("write with an unknown field: %d %s", st, body)
	}
	if st, body = do(http.MethodPost, "/api/messages", `{"body":"Sent through my own gateway"}`, login.CSRFToken); st != http.StatusCreated {
		t.Fatalf("write: %d %s", st, body)
	}
	st, body = do(http.MethodGet, "/api/messages", "", "")
	var msgs []messages.Message
	if err := json.Unmarshal(body, &msgs); st != http.StatusOK || err != nil || len(msgs) != 3 ||
		msgs[0].Body != "Sent through my own gateway" || msgs[0].Author != messages.UserID {
		t.Fatalf("read after write: %d %s", st, body)
	}
	if st, body = do(http.MethodPost, "/api/auth/logout", "", login.CSRFToken); st != http.StatusNoContent {
		t.Fatalf("logout: %d %s", st, body)
	}
	if st, body = do(http.MethodGet, "/api/messages", "", ""); st != http.StatusUnauthorized {
		t.Fatalf("read after logout: %d %s", st, body)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy polls GET /healthz until it answers 200 (10 s at most).
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the gateway did not become healthy in 10 s")
}

// TestREADMELibraryExample: the README's library example is
// examples/library/main.go, the module TestExternalModule builds.
func TestREADMELibraryExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../library/main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- library:begin -->\n```go\n")
	block, _, ok2 := strings.Cut(block, "```\n<!-- library:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no library example block")
	}
	if block != string(src) {
		t.Fatal("README.md's library example differs from examples/library/main.go")
	}
}
