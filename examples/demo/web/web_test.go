package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// serve runs h for one request on a bare Echo (no gateway middleware) and
// returns the recorded response.
func serve(t *testing.T, route string, h echo.HandlerFunc, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	e := echo.New()
	e.GET(route, h)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func TestAssets(t *testing.T) {
	u := New(Options{})
	tests := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/assets/app.css", 200, "text/css; charset=utf-8"},
		{"/assets/js/app.js", 200, "text/javascript; charset=utf-8"},
		{"/assets/js/pages/tasks.js", 200, "text/javascript; charset=utf-8"},
		{"/assets/js/pages/sessions.js", 200, "text/javascript; charset=utf-8"},
		{"/assets/icon.svg", 200, "image/svg+xml"},
		{"/assets/nope.js", 404, ""},
		{"/assets/js", 404, ""},
		{"/assets/../sign-in.html", 404, ""},
		{"/assets/%2e%2e/app.html", 404, ""},
	}
	for _, tt := range tests {
		rec := serve(t, "/assets/*", u.Asset, tt.path, nil)
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d", tt.path, rec.Code, tt.status)
			continue
		}
		if tt.ctype == "" {
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, ct, tt.ctype)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q", tt.path, cc)
		}
		etag := rec.Header().Get("ETag")
		if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(etag) {
			t.Errorf("%s: ETag %q", tt.path, etag)
		}
		again := serve(t, "/assets/*", u.Asset, tt.path, map[string]string{"If-None-Match": etag})
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes", tt.path, again.Code, again.Body.Len())
		}
	}
}

func TestSignInPage(t *testing.T) {
	rec := serve(t, "/sign-in", New(Options{}).SignIn, "/sign-in", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<form id="signin"`) {
		t.Fatalf("sign-in: %d %.80q", rec.Code, rec.Body.String())
	}
	h := rec.Header()
	if h.Get("Content-Security-Policy") != PageCSP || h.Get("Cache-Control") != "no-store" ||
		h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("headers %v", h)
	}
}

func TestVendor(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "convex-browser.js"), []byte("export const x = 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(filepath.Dir(dir), "outside.txt")
	_ = os.WriteFile(secret, []byte("outside"), 0o644)
	t.Cleanup(func() { os.Remove(secret) })

	off := New(Options{})
	if rec := serve(t, "/vendor/*", off.Vendor, "/vendor/convex-browser.js", nil); rec.Code != http.StatusNotFound {
		t.Errorf("without VendorDir: %d", rec.Code)
	}
	u := New(Options{VendorDir: dir})
	rec := serve(t, "/vendor/*", u.Vendor, "/vendor/convex-browser.js", nil)
	if rec.Code != http.StatusOK || rec.Body.String() != "export const x = 1;\n" ||
		rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("bundle: %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
	for _, p := range []string{"/vendor/sub", "/vendor/", "/vendor/../outside.txt", "/vendor/%2e%2e/outside.txt", "/vendor/missing.js"} {
		if rec := serve(t, "/vendor/*", u.Vendor, p, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d %q", p, rec.Code, rec.Body.String())
		}
	}
}

func TestSignInRedirect(t *testing.T) {
	tests := map[string]string{
		"/dashboard/tasks":            "/sign-in?redirect=%2Fdashboard%2Ftasks",
		"/dashboard/tasks?status=a b": "/sign-in?redirect=%2Fdashboard%2Ftasks%3Fstatus%3Da+b",
	}
	for in, want := range tests {
		if got := SignInRedirect(in); got != want {
			t.Errorf("SignInRedirect(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEmbeddedFilesHoldTogether reads the embedded pages and modules as a
// browser would: every /assets/ reference of a page and every relative
// import of a module must exist, and nothing may need what PageCSP forbids
// (inline script or style, inline handlers) or build HTML from strings.
func TestEmbeddedFilesHoldTogether(t *testing.T) {
	u := New(Options{})
	refs := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)
	imports := regexp.MustCompile(`(?:from\s+|import\()\s*"(\.{1,2}/[^"]+)"`)
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s+type="module")?>`), // inline script
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
	}
	for _, page := range []string{"static/sign-in.html", "static/app.html"} {
		b, _ := static.ReadFile(page)
		for _, m := range refs.FindAllStringSubmatch(string(b), -1) {
			if _, ok := u.assets[strings.TrimPrefix(m[1], "/assets/")]; !ok {
				t.Errorf("%s refers to %s, which is not embedded", page, m[1])
			}
		}
		for _, re := range forbidden {
			if re.Match(b) {
				t.Errorf("%s has %s, which PageCSP blocks", page, re)
			}
		}
	}
	n := 0
	err := fs.WalkDir(static, "static/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" {
			return err
		}
		n++
		b, _ := static.ReadFile(p)
		for _, m := range imports.FindAllStringSubmatch(string(b), -1) {
			target := path.Join(path.Dir(p), m[1])
			if _, err := fs.Stat(static, target); err != nil {
				t.Errorf("%s imports %s: %v", p, m[1], err)
			}
		}
		if regexp.MustCompile(`\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write`).Match(b) {
			t.Errorf("%s builds HTML from strings", p)
		}
		return nil
	})
	if err != nil || n < 8 {
		t.Fatalf("walked %d modules: %v", n, err)
	}
}
