// Package web is the demo's browser front end: plain HTML, CSS and ES
// modules written for this project, embedded in the binary and served by
// the demo app's route table (examples/demo/domain.go) in dev mode. There is
// no build step and no third-party code: a fresh clone serves it with
// `go run ./cmd/gateway -dev`.
//
// Pages: /sign-in, the account pages the gateway's emails link to
// (/forgot-password, /reset-password, /verify-email, /accept-invitation;
// public, like sign-in), and the signed-in shell at /dashboard/... (tasks,
// notifications, and for staff beneficiaries, donations, meetings; a live
// page that uses the official Convex browser client; the user's sessions,
// with sign-out of one or of all the others). The pages talk to the
// gateway's JSON API only; every rule (roles, ownership, the password
// policy, the links' tokens) stays in the gateway and Convex.
//
// The live page loads the Convex client bundle from /vendor/convex-browser.js,
// served from Options.VendorDir when it is set (the bundle is built from the
// pinned npm package by examples/demo/browsertest/bundle.mjs; nothing
// third-party is committed). Without it the live page says how to build it.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/mail"
	"github.com/convexgw/convexgw/routes"
)

//go:embed static
var static embed.FS

// SignInPath is the sign-in page; a page that needs a session redirects
// here with ?redirect=<the page's path and query>. It is the path of the
// emails' sign-in link too (mail.SignInPath).
const SignInPath = "/sign-in"

// Paths of the account pages: the paths the gateway's emails link to
// (mail.Links), so a link opens its page. The pages are public (no session
// needed): the link's token, read from ?token=, is the credential, and the
// page posts it to the gateway's account-flow route.
const (
	// ForgotPasswordPath asks for a reset link (POST /api/auth/forgot-password).
	ForgotPasswordPath = mail.ForgotPasswordPath
	// ResetPasswordPath sets a new password with ?token= (POST /api/auth/reset-password).
	ResetPasswordPath = mail.ResetPasswordPath
	// VerifyEmailPath confirms an address with ?token= on load (POST
	// /api/auth/verify-email), and offers a new link when it fails.
	VerifyEmailPath = mail.VerifyEmailPath
	// AcceptInvitationPath sets an invited user's first password with
	// ?token= (POST /api/auth/accept-invitation).
	AcceptInvitationPath = mail.InvitationPath
)

// HomePath is the first page after sign-in.
const HomePath = "/dashboard/tasks"

// PageCSP is the Content-Security-Policy of the pages: scripts, styles and
// connections from the gateway's own origin only, no inline script or
// style, no framing. It replaces the gateway's API default
// (default-src 'none'), which would block the page's own files.
const PageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// Options configure the UI. The zero value serves the embedded pages without
// a Convex client bundle.
type Options struct {
	// VendorDir, if set, is a directory served read-only at /vendor/: the
	// live page imports /vendor/convex-browser.js from it. Empty: /vendor/
	// answers 404 and the live page explains how to build the bundle.
	VendorDir string
}

// UI serves the pages and their assets. It is safe for concurrent use; its
// files never change after New.
type UI struct {
	signIn, app                                []byte
	forgotPassword, resetPassword, verifyEmail []byte
	acceptInvitation                           []byte
	assets                                     map[string]asset // by path below static/assets
	vendor                                     fs.FS            // nil without Options.VendorDir
}

type asset struct {
	data        []byte
	etag        string
	contentType string
}

// New returns the UI over the embedded files. It panics if the embedded
// files are incomplete, which is a build defect, not a runtime condition.
func New(opts Options) *UI {
	u := &UI{assets: map[string]asset{}}
	u.signIn = mustRead("static/sign-in.html")
	u.app = mustRead("static/app.html")
	u.forgotPassword = mustRead("static/forgot-password.html")
	u.resetPassword = mustRead("static/reset-password.html")
	u.verifyEmail = mustRead("static/verify-email.html")
	u.acceptInvitation = mustRead("static/accept-invitation.html")
	err := fs.WalkDir(static, "static/assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data := mustRead(p)
		sum := sha256.Sum256(data)
		u.assets[strings.TrimPrefix(p, "static/assets/")] = asset{data: data,
			etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: contentType(p)}
		return nil
	})
	if err != nil {
		panic("web: embedded assets: " + err.Error())
	}
	if opts.VendorDir != "" {
		u.vendor = os.DirFS(opts.VendorDir)
	}
	return u
}

func mustRead(name string) []byte {
	b, err := static.ReadFile(name)
	if err != nil {
		panic("web: embedded file missing: " + err.Error())
	}
	return b
}

// contentType is the type of a served file by its extension. It is set
// explicitly (the gateway sends X-Content-Type-Options: nosniff, and the
// system's MIME table varies), and only for the kinds of file served here.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".json", ".map":
		return "application/json"
	}
	return "application/octet-stream"
}

// Home serves GET /: a redirect to the first page (which redirects on to
// the sign-in page without a session).
func (u *UI) Home(c echo.Context) error {
	return c.Redirect(http.StatusFound, HomePath)
}

// SignIn serves the sign-in page. It is open to everyone; its script sends
// a signed-in visitor on to the redirect target.
func (u *UI) SignIn(c echo.Context) error {
	return page(c, u.signIn)
}

// ForgotPassword serves the page asking for a password-reset link: one
// email field, then always the same "if an account uses this address, we
// sent it a link" (the gateway's answer is the same 202 for every address).
// In dev mode it points to the dev mailbox. Open to everyone.
func (u *UI) ForgotPassword(c echo.Context) error {
	return page(c, u.forgotPassword)
}

// ResetPassword serves the page the reset emails link to: the new password
// twice, posted with the link's ?token=; the password policy's refusals
// show next to the field, an unknown, used or expired link says so with a
// way to ask again, success leads to sign-in with a notice. Open to
// everyone (the token is the credential).
func (u *UI) ResetPassword(c echo.Context) error {
	return page(c, u.resetPassword)
}

// VerifyEmail serves the page the verification emails link to: it posts
// the link's ?token= on load and shows the outcome; when the link does not
// work it offers to send a new one. Open to everyone.
func (u *UI) VerifyEmail(c echo.Context) error {
	return page(c, u.verifyEmail)
}

// AcceptInvitation serves the page the invitation emails link to: the
// invited user's first password, twice, posted with the link's ?token=;
// success leads to sign-in with a notice. Open to everyone.
func (u *UI) AcceptInvitation(c echo.Context) error {
	return page(c, u.acceptInvitation)
}

// App serves the signed-in shell for every /dashboard page; its script
// renders the page the path names. Without a session (the route must run
// after routes.Router.LoadSession) it redirects to SignInPath with
// ?redirect= back to the requested path and query, so no private page is
// served to a signed-out browser, whatever PROTECTED_PREFIXES says.
func (u *UI) App(c echo.Context) error {
	if routes.PrincipalFrom(c) == nil {
		return c.Redirect(http.StatusFound, SignInRedirect(c.Request().URL.RequestURI()))
	}
	return page(c, u.app)
}

// SignInRedirect returns the sign-in URL that sends the user back to
// target (a path and query on this origin) after sign-in.
func SignInRedirect(target string) string {
	return SignInPath + "?redirect=" + url.QueryEscape(target)
}

// page writes an HTML page: never stored (a signed-out back button must
// refetch, and so meet the redirect), with the pages' CSP.
func page(c echo.Context, body []byte) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", PageCSP)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", body)
}

// Asset serves GET /assets/*: the embedded CSS, scripts and images, with an
// ETag and Cache-Control: no-cache (revalidated, answered 304 when
// unchanged). Anything else is 404.
func (u *UI) Asset(c echo.Context) error {
	a, ok := u.assets[c.Param("*")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(a.data))
	return nil
}

// Vendor serves GET /vendor/*: regular files of Options.VendorDir (404
// without it, and for directories and paths that leave it).
func (u *UI) Vendor(c echo.Context) error {
	name := c.Param("*")
	if u.vendor == nil || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	f, err := u.vendor.Open(name)
	if err != nil {
		return echo.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	rs, seekable := f.(io.ReadSeeker)
	if err != nil || !st.Mode().IsRegular() || !seekable {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(c.Response(), c.Request(), "", st.ModTime(), rs)
	return nil
}
