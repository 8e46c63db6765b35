package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/mail"
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

// TestPublicPages checks the pages served without a session: the sign-in
// page and the account pages the emails link to, each with its form or
// section, the page CSP, never stored.
func TestPublicPages(t *testing.T) {
	u := New(Options{})
	// Until its script runs, a form's submit button is off: sent earlier,
	// the form would go out as a GET with the password in the URL.
	const submitOff = `<button id="submit" type="submit" class="primary" disabled>`
	tests := []struct {
		path string
		h    echo.HandlerFunc
		want []string // substrings of the body
	}{
		{"/sign-in", u.SignIn, []string{`<form id="signin"`, submitOff, `href="/forgot-password"`, `id="unverified"`, `src="/assets/js/sign-in.js"`}},
		{"/forgot-password", u.ForgotPassword, []string{`<form id="forgot"`, submitOff, `id="sent"`, `src="/assets/js/forgot-password.js"`}},
		{"/reset-password?token=abc", u.ResetPassword, []string{`<form id="set-password"`, submitOff, `autocomplete="new-password"`,
			`href="/forgot-password"`, `src="/assets/js/reset-password.js"`}},
		{"/verify-email?token=abc", u.VerifyEmail, []string{`<form id="resend"`, `id="verified"`, `src="/assets/js/verify-email.js"`}},
		{"/accept-invitation?token=abc", u.AcceptInvitation, []string{`<form id="set-password"`, submitOff, `autocomplete="new-password"`,
			`src="/assets/js/accept-invitation.js"`}},
	}
	for _, tt := range tests {
		route := strings.SplitN(tt.path, "?", 2)[0]
		rec := serve(t, route, tt.h, tt.path, nil)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", tt.path, rec.Code)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s: body lacks %s", tt.path, w)
			}
		}
		h := rec.Header()
		if h.Get("Content-Security-Policy") != PageCSP || h.Get("Cache-Control") != "no-store" ||
			h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: headers %v", tt.path, h)
		}
	}
}

// TestAccountPagePaths checks the pages are at the paths the gateway's
// emails link to: a link to any other path would be a 404.
func TestAccountPagePaths(t *testing.T) {
	links, err := mail.NewLinks("https://app.example.org")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ link, path string }{
		{links.ResetPassword("tok"), ResetPasswordPath},
		{links.VerifyEmail("tok"), VerifyEmailPath},
		{links.Invitation("tok"), AcceptInvitationPath},
		{links.ForgotPassword(), ForgotPasswordPath},
		{links.SignIn(), SignInPath},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.link)
		if err != nil || u.Path != tt.path {
			t.Errorf("the email link %s is not at the page path %s", tt.link, tt.path)
		}
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
	pages, err := fs.Glob(static, "static/*.html")
	if err != nil || len(pages) < 6 {
		t.Fatalf("pages %v: %v", pages, err)
	}
	for _, page := range pages {
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
	err = fs.WalkDir(static, "static/assets", func(p string, d fs.DirEntry, err error) error {
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

// TestPageScriptsFindTheirElements checks each public page's scripts look
// up (getElementById with a literal id) only elements the page has: a
// renamed id would otherwise be a null at run time, found only in a
// browser.
func TestPageScriptsFindTheirElements(t *testing.T) {
	byID := regexp.MustCompile(`getElementById\("([^"]+)"\)`)
	tests := []struct {
		page    string
		scripts []string
	}{
		{"sign-in.html", []string{"sign-in.js"}},
		{"forgot-password.html", []string{"forgot-password.js"}},
		{"reset-password.html", []string{"reset-password.js", "set-password.js"}},
		{"accept-invitation.html", []string{"accept-invitation.js", "set-password.js"}},
		{"verify-email.html", []string{"verify-email.js"}},
	}
	for _, tt := range tests {
		html, err := static.ReadFile("static/" + tt.page)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range tt.scripts {
			js, err := static.ReadFile("static/assets/js/" + s)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range byID.FindAllStringSubmatch(string(js), -1) {
				n++
				if !strings.Contains(string(html), `id="`+m[1]+`"`) {
					t.Errorf("%s: %s looks up #%s, which the page lacks", tt.page, s, m[1])
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no lookups found in %v", tt.page, tt.scripts)
		}
	}
}
