package gatewaycmd

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convexgw/convexgw/gateway"
)

// setting binds one Config field to an environment variable and a flag.
type setting struct {
	env, flag, usage string
	v                value
}

// value is a flag.Value that names its type for -h.
type value interface {
	flag.Value
	typeName() string
}

// settings is the one table of configuration inputs: environment variable,
// flag, help. Defaults come from gateway.Defaults, nowhere else.
func settings(c *gateway.Config) []setting {
	return []setting{
		{"DEV", "dev", "run with the embedded dev backend, ephemeral keys, plain-http cookies", (*boolValue)(&c.Dev)},
		{"CONVEX_URL", "convex-url", "Convex deployment URL (empty: start without a backend)", (*stringValue)(&c.ConvexURL)},
		{"CONVEX_DEPLOY_KEY", "convex-deploy-key", "Convex deploy key (secret)", (*secretValue)(&c.ConvexDeployKey)},
		{"CONVEX_ALLOWED_HOSTS", "convex-allowed-hosts", "self-hosted Convex hosts allowed besides *.convex.cloud (comma-separated)", (*listValue)(&c.ConvexAllowedHosts)},
		{"CONVEX_TIMEOUT", "convex-timeout", "timeout of one Convex query or mutation, retries included, counted once it holds an in-flight slot", (*durationValue)(&c.ConvexTimeout)},
		{"CONVEX_ACTION_TIMEOUT", "convex-action-timeout", "timeout of one Convex action", (*durationValue)(&c.ConvexActionTimeout)},
		{"CONVEX_MAX_IN_FLIGHT_QUERIES", "convex-max-in-flight-queries", "foreground Convex queries in flight at once; more wait CONVEX_SLOT_WAIT, then 503", (*intValue)(&c.ConvexMaxQueries)},
		{"CONVEX_MAX_IN_FLIGHT_MUTATIONS", "convex-max-in-flight-mutations", "foreground Convex mutations in flight at once", (*intValue)(&c.ConvexMaxMutations)},
		{"CONVEX_MAX_IN_FLIGHT_ACTIONS", "convex-max-in-flight-actions", "foreground Convex actions in flight at once", (*intValue)(&c.ConvexMaxActions)},
		{"CONVEX_MAX_IN_FLIGHT_BACKGROUND", "convex-max-in-flight-background", "background Convex calls (secondary mutations) in flight at once", (*intValue)(&c.ConvexMaxBackground)},
		{"CONVEX_SLOT_WAIT", "convex-slot-wait", "longest wait for an in-flight slot before a call is shed with 503 backend_unavailable (0: shed at once)", (*durationValue)(&c.ConvexSlotWait)},
		{"BREAKER_FAILURE_RATIO", "breaker-failure-ratio", "share of outages among the calls counted in BREAKER_WINDOW that opens a lane's circuit breaker", (*floatValue)(&c.BreakerFailureRatio)},
		{"BREAKER_MIN_REQUESTS", "breaker-min-requests", "calls counted in BREAKER_WINDOW below which a breaker never opens", (*intValue)(&c.BreakerMinRequests)},
		{"BREAKER_WINDOW", "breaker-window", "rolling window over which a breaker counts calls", (*durationValue)(&c.BreakerWindow)},
		{"BREAKER_OPEN_TIMEOUT", "breaker-open-timeout", "how long a breaker stays open before one probe call decides", (*durationValue)(&c.BreakerOpenTimeout)},
		{"FUNCTION_SPEC_FILE", "function-spec-file", "`npx convex function-spec` output to check bindings against", (*stringValue)(&c.FunctionSpecFile)},
		{"FUNCTION_SPEC_STRICT", "function-spec-strict", "refuse to start on a binding mismatch (else warn)", (*boolValue)(&c.FunctionSpecStrict)},
		{"PASSTHROUGH_EXPOSE", "passthrough-expose", "functions the Convex-compatible passthrough serves: paths, module:* or * (comma-separated; internal functions never)", (*listValue)(&c.PassthroughExpose)},
		{"ACCOUNTS_FIND_BY_EMAIL", "accounts-find-by-email", "login contract: internal query {email} → user or null", (*stringValue)(&c.AccountsFindByEmail)},
		{"ACCOUNTS_RECORD_LOGIN", "accounts-record-login", "login contract: internal mutation {userId, at} run after a login (empty or off: none)", (*stringValue)(&c.AccountsRecordLogin)},
		{"ACCOUNTS_SET_PASSWORD_HASH", "accounts-set-password-hash", "login contract: internal mutation {userId, passwordHash} re-hashing old costs (empty or off: none)", (*stringValue)(&c.AccountsSetPasswordHash)},
		{"ACCOUNTS_CREATE_USER", "accounts-create-user", "account flows: internal mutation {email, name, role?, passwordHash?, emailVerified} → id, ConvexError EMAIL_TAKEN for a known email (empty or off: no sign-up, no invitations)", (*stringValue)(&c.AccountsCreateUser)},
		{"ACCOUNTS_MARK_EMAIL_VERIFIED", "accounts-mark-email-verified", "account flows: internal mutation {userId} → null (empty or off: no email verification)", (*stringValue)(&c.AccountsMarkEmailVerified)},
		{"ACCOUNTS_FIND_BY_ID", "accounts-find-by-id", "account flows: internal query {userId} → user or null (empty or off: none)", (*stringValue)(&c.AccountsFindByID)},
		{"ACCOUNTS_AUTHORIZE_INVITATION", "accounts-authorize-invitation", "invitations: public query {email, role} → null, called as the inviting user, ConvexError FORBIDDEN for one who may not (empty or off: no invitations)", (*stringValue)(&c.AccountsAuthorizeInvitation)},
		{"SIGNUP_ENABLED", "signup-enabled", "POST /api/auth/sign-up (off: 404; admin panels invite instead)", (*boolValue)(&c.SignUpEnabled)},
		{"REQUIRE_EMAIL_VERIFICATION", "require-email-verification", "sign-up answers 202 for any email and mails a link; unverified accounts cannot sign in (403 email_unverified after the password is checked)", (*boolValue)(&c.RequireEmailVerification)},
		{"REVOKE_SESSIONS_ON_RESET", "revoke-sessions-on-reset", "a password reset through an emailed link ends every session of the user", (*boolValue)(&c.RevokeSessionsOnReset)},
		{"RESET_TOKEN_TTL", "reset-token-ttl", "how long a password-reset link works (once)", (*durationValue)(&c.ResetTokenTTL)},
		{"VERIFY_TOKEN_TTL", "verify-token-ttl", "how long an email-verification link works (once)", (*durationValue)(&c.VerifyTokenTTL)},
		{"INVITE_TOKEN_TTL", "invite-token-ttl", "how long an invitation link works (once)", (*durationValue)(&c.InviteTokenTTL)},
		{"PASSWORD_MIN_SCORE", "password-min-score", "zxcvbn score (0–4) every new password needs, besides 8–72 bytes and not the user's name or email (below 3: ALLOW_INSECURE=password-score)", (*intValue)(&c.PasswordMinScore)},
		{"SIGNUP_LIMIT_IP", "signup-limit-ip", "sign-ups per client IP (N/period)", (*rateLimitValue)(&c.SignUpLimitIP)},
		{"SIGNUP_LIMIT_EMAIL", "signup-limit-email", "sign-ups per email address", (*rateLimitValue)(&c.SignUpLimitEmail)},
		{"FORGOT_PASSWORD_LIMIT_IP", "forgot-password-limit-ip", "reset-link requests per client IP", (*rateLimitValue)(&c.ForgotPasswordLimitIP)},
		{"FORGOT_PASSWORD_LIMIT_EMAIL", "forgot-password-limit-email", "reset-link requests per email address", (*rateLimitValue)(&c.ForgotPasswordLimitEmail)},
		{"RESET_PASSWORD_LIMIT_IP", "reset-password-limit-ip", "reset-password and accept-invitation requests per client IP", (*rateLimitValue)(&c.ResetPasswordLimitIP)},
		{"VERIFY_EMAIL_LIMIT_IP", "verify-email-limit-ip", "verify-email requests per client IP", (*rateLimitValue)(&c.VerifyEmailLimitIP)},
		{"VERIFY_RESEND_LIMIT_IP", "verify-resend-limit-ip", "verification-link requests per client IP", (*rateLimitValue)(&c.VerifyResendLimitIP)},
		{"VERIFY_RESEND_LIMIT_EMAIL", "verify-resend-limit-email", "verification-link requests per email address", (*rateLimitValue)(&c.VerifyResendLimitEmail)},
		{"CHANGE_PASSWORD_LIMIT_IP", "change-password-limit-ip", "change-password attempts per client IP (wrong current passwords also count toward the login lockout)", (*rateLimitValue)(&c.ChangePasswordLimitIP)},
		{"CHANGE_PASSWORD_LIMIT_ACCOUNT", "change-password-limit-account", "change-password attempts per account", (*rateLimitValue)(&c.ChangePasswordLimitAccount)},
		{"INVITATION_LIMIT_USER", "invitation-limit-user", "invitations per inviting user", (*rateLimitValue)(&c.InvitationLimitUser)},
		{"INVITATION_LIMIT_EMAIL", "invitation-limit-email", "invitations per invited address", (*rateLimitValue)(&c.InvitationLimitEmail)},
		{"SMTP_URL", "smtp-url", "mail server: smtp://user:pass@host:587 (STARTTLS required), smtps://user:pass@host:465 (implicit TLS) or smtp://host:25?tls=none (no TLS, no credentials); empty: no email outside dev mode (secret)", (*secretValue)(&c.SMTPURL)},
		{"MAIL_FROM", "mail-from", "sender of the account emails: addr@example.com or Name <addr@example.com> (required with SMTP_URL)", (*stringValue)(&c.MailFrom)},
		{"MAIL_LINK_BASE_URL", "mail-link-base-url", "base URL of the links in emails (/verify-email, /reset-password, /accept-invitation, /sign-in, /forgot-password); empty: PUBLIC_URL", (*stringValue)(&c.MailLinkBaseURL)},
		{"MAIL_TEMPLATES_DIR", "mail-templates-dir", "directory overriding the email templates file by file (<name>.subject.txt, <name>.txt, <name>.html); empty: the embedded ones", (*stringValue)(&c.MailTemplatesDir)},
		{"IDENTITY_MODE", "identity-mode", "how Convex learns the caller: jwt or admin", (*stringValue)(&c.IdentityMode)},
		{"PUBLIC_URL", "public-url", "the gateway's public URL (token issuer, JWKS base)", (*stringValue)(&c.PublicURL)},
		{"LISTEN_ADDR", "listen", "listen address host:port", (*stringValue)(&c.ListenAddr)},
		{"ADMIN_ADDR", "admin-addr", "admin listen address for /readyz and /metrics (off: none); keep it private", (*stringValue)(&c.AdminAddr)},
		{"ALLOWED_ORIGINS", "allowed-origins", "origins allowed with credentials (comma-separated; empty: PUBLIC_URL's)", (*listValue)(&c.AllowedOrigins)},
		{"TRUSTED_PROXIES", "trusted-proxies", "proxy IPs/CIDRs whose X-Forwarded-For is believed (comma-separated)", (*listValue)(&c.TrustedProxies)},
		{"PROTECTED_PREFIXES", "protected-prefixes", "page prefixes that redirect to /sign-in without a session", (*listValue)(&c.ProtectedPrefixes)},
		{"SESSION_SECRET", "session-secret", "session signing secret, ≥ 32 bytes (secret)", (*secretValue)(&c.SessionSecret)},
		{"CSRF_SECRET", "csrf-secret", "CSRF token secret, ≥ 32 bytes (secret)", (*secretValue)(&c.CSRFSecret)},
		{"SESSION_SECRETS_PREVIOUS", "session-secrets-previous", "former session secrets still accepted during a rotation (comma-separated, secret)", (*secretListValue)(&c.SessionSecretsPrevious)},
		{"SESSION_TTL", "session-ttl", "session token lifetime", (*durationValue)(&c.SessionTTL)},
		{"SESSION_REFRESH_AFTER", "session-refresh-after", "token age after which a request slides the session", (*durationValue)(&c.SessionRefreshAfter)},
		{"SESSION_MAX_AGE", "session-max-age", "absolute session limit from sign-in", (*durationValue)(&c.SessionMaxAge)},
		{"SECURE_COOKIES", "secure-cookies", "Secure cookies with the __Host- prefix (off only for plain-http dev)", (*boolValue)(&c.SecureCookies)},
		{"SIGNING_KEY_FILE", "signing-key-file", "PEM private key (RS256 or ES256) signing Convex tokens", (*stringValue)(&c.SigningKeyFile)},
		{"VERIFY_KEY_FILES", "verify-key-files", "extra PEM keys published in the JWKS during a rotation (comma-separated)", (*listValue)(&c.VerifyKeyFiles)},
		{"CONVEX_TOKEN_TTL", "convex-token-ttl", "lifetime of gateway-signed Convex tokens", (*durationValue)(&c.ConvexTokenTTL)},
		{"BCRYPT_COST", "bcrypt-cost", "bcrypt cost of new hashes (lower stored costs are re-hashed on login)", (*intValue)(&c.BcryptCost)},
		{"BCRYPT_WORKERS", "bcrypt-workers", "concurrent bcrypt operations, each on its own low-priority thread; unless GOMAXPROCS is set, the gateway runs with GOMAXPROCS = CPUs + this, so logins never hold every P", (*intValue)(&c.BcryptWorkers)},
		{"BCRYPT_MAX_WAIT", "bcrypt-max-wait", "wait for a bcrypt slot before answering 503", (*durationValue)(&c.BcryptMaxWait)},
		{"LOCKOUT_MAX_FAILURES", "lockout-max-failures", "failed logins that lock an account", (*intValue)(&c.LockoutMax)},
		{"LOCKOUT_WINDOW", "lockout-window", "window counting failed logins", (*durationValue)(&c.LockoutWindow)},
		{"LOCKOUT_DURATION", "lockout-duration", "how long a lock lasts", (*durationValue)(&c.LockoutFor)},
		{"LOGIN_RATE", "login-rate", "logins per minute per client IP", (*floatValue)(&c.LoginRate)},
		{"LOGIN_BURST", "login-burst", "login burst per client IP", (*intValue)(&c.LoginBurst)},
		{"LOGIN_ACCOUNT_RATE", "login-account-rate", "login attempts per minute per account, from every address together", (*floatValue)(&c.LoginAccountRate)},
		{"LOGIN_ACCOUNT_BURST", "login-account-burst", "login burst per account", (*intValue)(&c.LoginAccountBurst)},
		{"API_RATE", "api-rate", "API requests per second per client IP (0: off)", (*floatValue)(&c.APIRate)},
		{"API_BURST", "api-burst", "API burst per client IP", (*intValue)(&c.APIBurst)},
		{"MEMORY_STORE_MAX_SESSIONS", "memory-store-max-sessions", "session records the in-memory state store holds (REDIS_URL empty); one user holds at most 20", (*intValue)(&c.MemoryStoreMaxSessions)},
		{"REDIS_URL", "redis-url", "redis:// URL sharing limits, lockouts and revocations across replicas (secret)", (*secretValue)(&c.RedisURL)},
		{"BODY_LIMIT", "body-limit", "maximum request body in bytes", (*int64Value)(&c.BodyLimitBytes)},
		{"READ_HEADER_TIMEOUT", "read-header-timeout", "http.Server ReadHeaderTimeout", (*durationValue)(&c.ReadHeaderTimeout)},
		{"READ_TIMEOUT", "read-timeout", "http.Server ReadTimeout", (*durationValue)(&c.ReadTimeout)},
		{"WRITE_TIMEOUT", "write-timeout", "http.Server WriteTimeout", (*durationValue)(&c.WriteTimeout)},
		{"IDLE_TIMEOUT", "idle-timeout", "http.Server IdleTimeout", (*durationValue)(&c.IdleTimeout)},
		{"SHUTDOWN_TIMEOUT", "shutdown-timeout", "graceful shutdown deadline", (*durationValue)(&c.ShutdownTimeout)},
		{"SECONDARY_WORKERS", "secondary-workers", "secondary mutation workers", (*intValue)(&c.SecondaryWorkers)},
		{"SECONDARY_QUEUE", "secondary-queue", "secondary mutations one process holds; without Redis the whole queue (full: dropped, logged), with Redis the rest waits in the stream", (*intValue)(&c.SecondaryQueue)},
		{"SECONDARY_TIMEOUT", "secondary-timeout", "timeout per secondary mutation attempt", (*durationValue)(&c.SecondaryTimeout)},
		{"SECONDARY_MAX_AGE", "secondary-max-age", "a secondary mutation that keeps failing is retried until this age, then dead-lettered (logged, counted)", (*durationValue)(&c.SecondaryMaxAge)},
		{"SECONDARY_MAX_BACKOFF", "secondary-max-backoff", "cap of the jittered exponential back-off between attempts", (*durationValue)(&c.SecondaryMaxBackoff)},
		{"SECONDARY_CLAIM_IDLE", "secondary-claim-idle", "with Redis: how long a task sits unacknowledged by a dead replica before another claims it", (*durationValue)(&c.SecondaryClaimIdle)},
		{"ALLOW_INSECURE", "allow-insecure", "production guards to waive: cookies, secrets, proxies, bcrypt-cost, lockout, dev-listen, password-score (comma-separated)", (*listValue)(&c.AllowInsecure)},
		{"LOG_LEVEL", "log-level", "debug, info, warn or error", (*stringValue)(&c.LogLevel)},
		{"LOG_FORMAT", "log-format", "json or console", (*stringValue)(&c.LogFormat)},
	}
}

// cmdFlags are the flags of the command itself, not configuration.
type cmdFlags struct {
	checkConfig bool // validate, print the redacted configuration, exit
	healthcheck bool // GET /healthz of the local gateway, exit 0 or 1
}

// loadConfig builds the configuration: defaults, then the environment, then
// flags. Every bad value is reported (errors.Join), naming the variable or
// flag, never quoting a secret.
func loadConfig(args []string, lookupEnv func(string) (string, bool), fs *flag.FlagSet) (gateway.Config, cmdFlags, error) {
	cfg := gateway.Defaults()
	var cf cmdFlags
	var errs []error
	table := settings(&cfg)
	for _, s := range table { // registered first, so -h shows the defaults
		fs.Var(s.v, s.flag, s.usage)
	}
	fs.BoolVar(&cf.checkConfig, "check-config", false, "validate the configuration (files included), print it (secrets redacted) and exit")
	fs.BoolVar(&cf.healthcheck, "healthcheck", false, "check GET /healthz on the local listen address and exit 0 (healthy) or 1")
	fs.Usage = func() { usage(fs, table) }
	for _, s := range table {
		if v, ok := lookupEnv(s.env); ok {
			if err := s.v.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", s.env, err))
			}
		}
	}
	if len(errs) > 0 {
		return cfg, cf, errors.Join(errs...)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, cf, err
	}
	return cfg, cf, nil
}

// usage prints every setting with its flag, type, default and environment
// variable, then the command's own flags.
func usage(fs *flag.FlagSet, table []setting) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage of %s: every setting is an environment variable and a flag (flags win).\n\n", fs.Name())
	for _, s := range table {
		def := fs.Lookup(s.flag).DefValue
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  -%s %s\n    \t%s\n    \tenv %s, default %s\n", s.flag, s.v.typeName(), s.usage, s.env, def)
	}
	fmt.Fprintf(w, "\n  -check-config\n    \t%s\n  -healthcheck\n    \t%s\n",
		fs.Lookup("check-config").Usage, fs.Lookup("healthcheck").Usage)
}

// printable is the configuration as -check-config prints it: environment
// names as keys, values as the settings spell them (durations as 10s,
// lists comma-separated), secrets redacted.
func printable(c *gateway.Config) map[string]string {
	out := map[string]string{}
	for _, s := range settings(c) {
		out[s.env] = s.v.String()
	}
	return out
}

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

type secretValue gateway.Secret

func (v *secretValue) String() string     { return gateway.Secret(*v).String() }
func (v *secretValue) Set(s string) error { *v = secretValue(s); return nil }

type boolValue bool

func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("must be true or false")
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) IsBoolFlag() bool { return true }

type intValue int

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("must be an integer")
	}
	*v = intValue(n)
	return nil
}

type int64Value int64

func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }
func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("must be an integer")
	}
	*v = int64Value(n)
	return nil
}

type floatValue float64

func (v *floatValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("must be a number")
	}
	*v = floatValue(f)
	return nil
}

type durationValue time.Duration

func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("must be a duration such as 10s or 5m")
	}
	*v = durationValue(d)
	return nil
}

// rateLimitValue is an account-flow limit, "N/period" ("3/1h").
type rateLimitValue gateway.RateLimit

func (v *rateLimitValue) String() string { return gateway.RateLimit(*v).String() }
func (v *rateLimitValue) Set(s string) error {
	r, err := gateway.ParseRateLimit(s)
	if err != nil {
		return err
	}
	*v = rateLimitValue(r)
	return nil
}

type listValue []string

// secretListValue is a comma-separated list of secrets; it prints redacted.
type secretListValue []gateway.Secret

func (v *secretListValue) String() string {
	if len(*v) == 0 {
		return ""
	}
	return gateway.Secret("x").String()
}

func (v *secretListValue) Set(s string) error {
	var out []gateway.Secret
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, gateway.Secret(p))
		}
	}
	*v = out
	return nil
}

func (v *listValue) String() string { return strings.Join(*v, ",") }
func (v *listValue) Set(s string) error {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	*v = out
	return nil
}

func (*stringValue) typeName() string { return "string" }

func (*secretValue) typeName() string { return "secret" }

func (*boolValue) typeName() string { return "bool" }

func (*intValue) typeName() string { return "int" }

func (*int64Value) typeName() string { return "int" }

func (*floatValue) typeName() string { return "float" }

func (*durationValue) typeName() string { return "duration" }

func (*listValue) typeName() string { return "list" }

func (*rateLimitValue) typeName() string { return "limit" }

func (*secretListValue) typeName() string { return "secret-list" }
