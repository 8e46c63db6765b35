package gateway

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/routes"
)

// RateLimit is a limit of N requests per period Per, in one burst of N
// (a GCRA policy: the budget refills evenly, one request every Per/N).
// Settings spell it "N/period": "3/1h", "10/15m". The zero value is
// invalid (Validate names the setting).
type RateLimit struct {
	N   int
	Per time.Duration
}

// ErrRateLimitSyntax is returned by ParseRateLimit for text that is not
// "N/period".
var ErrRateLimitSyntax = errors.New(`must be "N/period" with N ≥ 1 and a period such as 15m or 1h (e.g. "3/1h")`)

// ParseRateLimit parses "N/period": a positive count and a positive Go
// duration ("3/1h", "10/15m", "5/30s"). Errors match ErrRateLimitSyntax.
func ParseRateLimit(s string) (RateLimit, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return RateLimit{}, ErrRateLimitSyntax
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 {
		return RateLimit{}, ErrRateLimitSyntax
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d <= 0 {
		return RateLimit{}, ErrRateLimitSyntax
	}
	return RateLimit{N: count, Per: d}, nil
}

// String spells the limit as the settings do ("3/1h", "10/15m").
func (r RateLimit) String() string {
	d := r.Per.String() // "1h0m0s", "15m0s", "30s", "1h30m0s"
	if strings.HasSuffix(d, "m0s") {
		d = d[:len(d)-2]
	}
	if strings.HasSuffix(d, "h0m") {
		d = d[:len(d)-2]
	}
	return strconv.Itoa(r.N) + "/" + d
}

// MarshalText writes String (the configuration as JSON).
func (r RateLimit) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// policy is the limit as an auth.Policy.
func (r RateLimit) policy() auth.Policy {
	return auth.Policy{Rate: float64(r.N) / r.Per.Seconds(), Burst: r.N}
}

// flowLimits pairs each account-flow policy with its setting and value.
func (c Config) flowLimits() []struct {
	setting, policy string
	limit           RateLimit
} {
	return []struct {
		setting, policy string
		limit           RateLimit
	}{
		{"SIGNUP_LIMIT_IP", routes.PolicySignUpIP, c.SignUpLimitIP},
		{"SIGNUP_LIMIT_EMAIL", routes.PolicySignUpEmail, c.SignUpLimitEmail},
		{"FORGOT_PASSWORD_LIMIT_IP", routes.PolicyForgotPasswordIP, c.ForgotPasswordLimitIP},
		{"FORGOT_PASSWORD_LIMIT_EMAIL", routes.PolicyForgotPasswordEmail, c.ForgotPasswordLimitEmail},
		{"RESET_PASSWORD_LIMIT_IP", routes.PolicyResetPasswordIP, c.ResetPasswordLimitIP},
		{"VERIFY_EMAIL_LIMIT_IP", routes.PolicyVerifyEmailIP, c.VerifyEmailLimitIP},
		{"VERIFY_RESEND_LIMIT_IP", routes.PolicyVerifyResendIP, c.VerifyResendLimitIP},
		{"VERIFY_RESEND_LIMIT_EMAIL", routes.PolicyVerifyResendEmail, c.VerifyResendLimitEmail},
		{"CHANGE_PASSWORD_LIMIT_IP", routes.PolicyChangePasswordIP, c.ChangePasswordLimitIP},
		{"CHANGE_PASSWORD_LIMIT_ACCOUNT", routes.PolicyChangePasswordAccount, c.ChangePasswordLimitAccount},
		{"INVITATION_LIMIT_USER", routes.PolicyInvitationUser, c.InvitationLimitUser},
		{"INVITATION_LIMIT_EMAIL", routes.PolicyInvitationEmail, c.InvitationLimitEmail},
	}
}

// flowPolicies are the account flows' rate-limit policies by name.
func (c Config) flowPolicies() map[string]auth.Policy {
	out := map[string]auth.Policy{}
	for _, l := range c.flowLimits() {
		out[l.policy] = l.limit.policy()
	}
	return out
}

// passwordPolicy is the policy of new passwords (PASSWORD_MIN_SCORE; 0
// accepts every score).
func (c Config) passwordPolicy() auth.PasswordPolicy {
	if c.PasswordMinScore <= 0 {
		return auth.PasswordPolicy{MinScore: -1}
	}
	return auth.PasswordPolicy{MinScore: c.PasswordMinScore}
}

// validateFlows checks the account flows' settings.
func (c Config) validateFlows() []error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", setting, fmt.Sprintf(format, args...)))
	}
	for _, d := range []struct {
		setting string
		v       time.Duration
	}{{"RESET_TOKEN_TTL", c.ResetTokenTTL}, {"VERIFY_TOKEN_TTL", c.VerifyTokenTTL}, {"INVITE_TOKEN_TTL", c.InviteTokenTTL}} {
		if d.v < time.Minute {
			bad(d.setting, "must be at least 1m")
		}
	}
	if c.PasswordMinScore < 0 || c.PasswordMinScore > 4 {
		bad("PASSWORD_MIN_SCORE", "must be between 0 and 4 (zxcvbn scores)")
	}
	for _, l := range c.flowLimits() {
		if l.limit.N < 1 || l.limit.Per <= 0 || l.limit.policy().Rate > 1e6 {
			bad(l.setting, "%s", ErrRateLimitSyntax)
		}
	}
	if c.SignUpEnabled {
		if offIsEmpty(c.AccountsCreateUser) == "" {
			bad("SIGNUP_ENABLED", "needs ACCOUNTS_CREATE_USER")
		}
		if c.RequireEmailVerification && !c.SMTPURL.IsSet() && !c.Dev {
			bad("SIGNUP_ENABLED", "with REQUIRE_EMAIL_VERIFICATION, sign-up mails a link: set SMTP_URL (or REQUIRE_EMAIL_VERIFICATION=false)")
		}
	}
	return errs
}
