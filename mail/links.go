package mail

import (
	"fmt"
	"net/url"
	"strings"
)

// Links builds the URLs the emails point to, under a base URL (the
// gateway's MAIL_LINK_BASE_URL, by default its PUBLIC_URL): the app's
// pages that read the token from the query and call the gateway's API.
// The zero value is unusable; build it with NewLinks.
type Links struct{ base string }

// Paths of the pages the links open.
const (
	VerifyEmailPath    = "/verify-email"      // ?token=
	ResetPasswordPath  = "/reset-password"    // ?token=
	InvitationPath     = "/accept-invitation" // ?token=
	SignInPath         = "/sign-in"
	ForgotPasswordPath = "/forgot-password"
)

// NewLinks checks base: an absolute http(s) URL without query or fragment
// (a path prefix is kept; a trailing slash is dropped).
func NewLinks(base string) (Links, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return Links{}, fmt.Errorf("mail: link base %q must be an absolute http(s) URL without query, fragment or credentials", base)
	}
	return Links{base: strings.TrimRight(u.String(), "/")}, nil
}

// Base returns the base URL, without a trailing slash.
func (l Links) Base() string { return l.base }

// Site is the base URL's host, shown in emails as the sender's site.
func (l Links) Site() string {
	u, err := url.Parse(l.base)
	if err != nil {
		return ""
	}
	return u.Host
}

func (l Links) withToken(path, token string) string {
	return l.base + path + "?token=" + url.QueryEscape(token)
}

// VerifyEmail is the link confirming an address with token.
func (l Links) VerifyEmail(token string) string { return l.withToken(VerifyEmailPath, token) }

// ResetPassword is the link setting a new password with token.
func (l Links) ResetPassword(token string) string { return l.withToken(ResetPasswordPath, token) }

// Invitation is the link accepting an invitation with token.
func (l Links) Invitation(token string) string { return l.withToken(InvitationPath, token) }

// SignIn is the sign-in page (for AccountExists).
func (l Links) SignIn() string { return l.base + SignInPath }

// ForgotPassword is the page asking for a reset link (for AccountExists
// and PasswordChanged).
func (l Links) ForgotPassword() string { return l.base + ForgotPasswordPath }
