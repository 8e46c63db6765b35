package demo

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/examples/demo/web"
	"github.com/convexgw/convexgw/routes"
)

// TestWebRoutes checks the route table serves the front end: the pages
// with their CSP and never stored (the account pages the emails link to
// without a session), a signed-out visit to a /dashboard page
// redirected to sign-in with the way back (without PROTECTED_PREFIXES: the
// test's routes have none), and the assets.
func TestWebRoutes(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	get := func(path, user string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if user != "" {
			ck, _ := env.session(user)
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		env.e.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		path, user string
		status     int
		location   string // for redirects
		body       string // a substring, for 200
	}{
		{"/", "", http.StatusFound, "/dashboard/tasks", ""},
		{"/dashboard", "member", http.StatusFound, "/dashboard/tasks", ""},
		{"/sign-in", "", http.StatusOK, "", `<form id="signin"`},
		{"/sign-in?redirect=%2Fdashboard%2Flive", "member", http.StatusOK, "", `<form id="signin"`},
		{"/forgot-password", "", http.StatusOK, "", `<form id="forgot"`},
		{"/reset-password?token=x", "", http.StatusOK, "", `<form id="set-password"`},
		{"/reset-password?token=x", "member", http.StatusOK, "", `src="/assets/js/reset-password.js"`},
		{"/verify-email?token=x", "", http.StatusOK, "", `src="/assets/js/verify-email.js"`},
		{"/accept-invitation?token=x", "", http.StatusOK, "", `src="/assets/js/accept-invitation.js"`},
		{"/dashboard/tasks", "", http.StatusFound, "/sign-in?redirect=%2Fdashboard%2Ftasks", ""},
		{"/dashboard/donations?x=1", "", http.StatusFound, "/sign-in?redirect=%2Fdashboard%2Fdonations%3Fx%3D1", ""},
		{"/dashboard/tasks", "member", http.StatusOK, "", `<main id="main"`},
		{"/dashboard/notifications", "member", http.StatusOK, "", `src="/assets/js/app.js"`},
		{"/dashboard/beneficiaries", "admin", http.StatusOK, "", `<main id="main"`},
		{"/dashboard/donations", "manager", http.StatusOK, "", `<main id="main"`},
		{"/dashboard/meetings", "member", http.StatusOK, "", `<main id="main"`}, // Convex decides what a member sees
		{"/dashboard/live", "member", http.StatusOK, "", `<main id="main"`},
		{"/dashboard/sessions", "member", http.StatusOK, "", `href="/dashboard/sessions"`},
		{"/dashboard/sessions", "", http.StatusFound, "/sign-in?redirect=%2Fdashboard%2Fsessions", ""},
		{"/dashboard/nope", "member", http.StatusNotFound, "", ""},
		{"/assets/js/api.js", "", http.StatusOK, "", "X-CSRF-Token"},
		{"/vendor/convex-browser.js", "", http.StatusNotFound, "", ""}, // no WebVendorDir
	}
	for _, tt := range tests {
		rec := get(tt.path, tt.user)
		if rec.Code != tt.status {
			t.Errorf("GET %s as %q: %d, want %d (%s)", tt.path, tt.user, rec.Code, tt.status, rec.Header().Get("Location"))
			continue
		}
		if tt.location != "" && rec.Header().Get("Location") != tt.location {
			t.Errorf("GET %s: Location %q, want %q", tt.path, rec.Header().Get("Location"), tt.location)
		}
		if tt.body != "" && !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("GET %s: body lacks %q", tt.path, tt.body)
		}
		if tt.status == http.StatusOK && strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			if csp, cc := rec.Header().Get("Content-Security-Policy"), rec.Header().Get("Cache-Control"); csp != web.PageCSP || cc != "no-store" {
				t.Errorf("GET %s: CSP %q, Cache-Control %q", tt.path, csp, cc)
			}
		}
	}
}

// TestWebRoutesHavePages checks every /dashboard/<page> route of the route
// table has its page module, loaded by the shell's script: a page added to
// one and not the other would be a blank "Not found" in the browser.
func TestWebRoutesHavePages(t *testing.T) {
	env := newTestEnv(t, routes.IdentityAdmin)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		env.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	shell := get("/assets/js/app.js")
	if shell.Code != http.StatusOK {
		t.Fatalf("app.js: %d", shell.Code)
	}
	n := 0
	for _, r := range env.e.Routes() {
		name, ok := strings.CutPrefix(r.Path, "/dashboard/")
		if r.Method != http.MethodGet || !ok {
			continue
		}
		n++
		load := name + `: () => import("./pages/` + name + `.js")`
		if !strings.Contains(shell.Body.String(), load) {
			t.Errorf("route %s: app.js lacks %s", r.Path, load)
		}
		if rec := get("/assets/js/pages/" + name + ".js"); rec.Code != http.StatusOK {
			t.Errorf("route %s: pages/%s.js answers %d", r.Path, name, rec.Code)
		}
	}
	if n < 7 {
		t.Fatalf("only %d /dashboard/ routes", n)
	}
}
