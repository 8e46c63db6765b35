package gateway

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// Identity modes: how the gateway tells Convex who the caller is.
const (
	IdentityJWT   = "jwt"   // a short-lived token the gateway signs, verified by Convex via the JWKS
	IdentityAdmin = "admin" // the deploy key acting as the user
)

// Config is the whole configuration of the gateway. It is a plain struct:
// package cmd/gateway fills it from flags and the environment; tests fill it
// directly. Start from Defaults(); Validate reports every problem at once.
// Secrets are of type Secret and never print.
type Config struct {
	// Dev runs the embedded dev backend with ephemeral secrets and keys and
	// plain-http cookies. Never in production.
	Dev bool `json:"dev"`

	// ConvexURL is the deployment URL. Empty is allowed: the gateway starts,
	// /readyz reports it and calls needing Convex answer 503.
	ConvexURL          string   `json:"convexUrl"`
	ConvexDeployKey    Secret   `json:"convexDeployKey"`    // for internal functions and admin identity mode
	ConvexAllowedHosts []string `json:"convexAllowedHosts"` // self-hosted hosts allowed besides *.convex.cloud
	FunctionSpecFile   string   `json:"functionSpecFile"`   // `npx convex function-spec` output; empty: no check
	FunctionSpecStrict bool     `json:"functionSpecStrict"` // refuse to start on a mismatch (else warn)

	// Per-call timeouts (convexclient.TimeoutSettings): ConvexTimeout for
	// queries and mutations, ConvexActionTimeout for actions. A call's
	// timeout starts once it holds an in-flight slot.
	ConvexTimeout       time.Duration `json:"convexTimeout"`
	ConvexActionTimeout time.Duration `json:"convexActionTimeout"`
	// The circuit breakers, one per lane (query, mutation, action,
	// background; convexclient.BreakerSettings): a breaker opens when at
	// least BreakerMinRequests calls were counted over BreakerWindow and at
	// least BreakerFailureRatio of them were outages; it stays open
	// BreakerOpenTimeout, then one probe decides.
	BreakerFailureRatio float64       `json:"breakerFailureRatio"`
	BreakerMinRequests  int           `json:"breakerMinRequests"`
	BreakerWindow       time.Duration `json:"breakerWindow"`
	BreakerOpenTimeout  time.Duration `json:"breakerOpenTimeout"`
	// In-flight limits per lane (convexclient.LimitSettings): a call waits
	// at most ConvexSlotWait for a slot, outside its timeout, else it is
	// shed with 503 backend_unavailable and Retry-After.
	ConvexMaxQueries    int           `json:"convexMaxInFlightQueries"`
	ConvexMaxMutations  int           `json:"convexMaxInFlightMutations"`
	ConvexMaxActions    int           `json:"convexMaxInFlightActions"`
	ConvexMaxBackground int           `json:"convexMaxInFlightBackground"`
	ConvexSlotWait      time.Duration `json:"convexSlotWait"`

	// PassthroughExpose lists the functions the Convex-compatible
	// passthrough serves besides the app's Exposed bindings: paths
	// ("users:me"), module wildcards ("messages:*") or "*".
	PassthroughExpose []string `json:"passthroughExpose"`
	// The login contract's Convex functions (package accounts). An empty (or
	// "off") AccountsRecordLogin or AccountsSetPasswordHash switches that
	// after-login mutation off.
	AccountsFindByEmail     string `json:"accountsFindByEmail"`
	AccountsRecordLogin     string `json:"accountsRecordLogin"`
	AccountsSetPasswordHash string `json:"accountsSetPasswordHash"`
	// The account flows' functions (accounts.Lifecycle): create a user, mark
	// an email verified, find a user by id. Empty or "off" switches one off
	// (and the flows that need it).
	AccountsCreateUser        string `json:"accountsCreateUser"`
	AccountsMarkEmailVerified string `json:"accountsMarkEmailVerified"`
	AccountsFindByID          string `json:"accountsFindById"`
	// AccountsAuthorizeInvitation is the public query {email, role} → null
	// the gateway calls as the inviting user, so Convex decides who may
	// invite whom (accounts.Inviter); empty or "off": no invitations.
	AccountsAuthorizeInvitation string `json:"accountsAuthorizeInvitation"`

	// The account flows (routes.AccountFlows; see config_flows.go).
	// SignUpEnabled switches POST /api/auth/sign-up on (off by default:
	// admin panels invite). RequireEmailVerification: sign-up answers the
	// same 202 for any email and mails a link, and an unverified account
	// cannot sign in (403 email_unverified once its password is verified).
	// RevokeSessionsOnReset ends every session of a user whose password
	// is reset through an emailed link.
	SignUpEnabled            bool `json:"signUpEnabled"`
	RequireEmailVerification bool `json:"requireEmailVerification"`
	RevokeSessionsOnReset    bool `json:"revokeSessionsOnReset"`
	// How long the emailed links work (each once).
	ResetTokenTTL  time.Duration `json:"resetTokenTtl"`
	VerifyTokenTTL time.Duration `json:"verifyTokenTtl"`
	InviteTokenTTL time.Duration `json:"inviteTokenTtl"`
	// PasswordMinScore is the zxcvbn score (0–4) every new password needs;
	// 0 accepts any password of 8 characters or more.
	PasswordMinScore int `json:"passwordMinScore"`
	// The account flows' rate limits: n requests per period, in one burst
	// of n, per client IP, per email address, per account or per inviting
	// user (routes.Policy*).
	SignUpLimitIP              RateLimit `json:"signUpLimitIp"`
	SignUpLimitEmail           RateLimit `json:"signUpLimitEmail"`
	ForgotPasswordLimitIP      RateLimit `json:"forgotPasswordLimitIp"`
	ForgotPasswordLimitEmail   RateLimit `json:"forgotPasswordLimitEmail"`
	ResetPasswordLimitIP       RateLimit `json:"resetPasswordLimitIp"`
	VerifyEmailLimitIP         RateLimit `json:"verifyEmailLimitIp"`
	VerifyResendLimitIP        RateLimit `json:"verifyResendLimitIp"`
	VerifyResendLimitEmail     RateLimit `json:"verifyResendLimitEmail"`
	ChangePasswordLimitIP      RateLimit `json:"changePasswordLimitIp"`
	ChangePasswordLimitAccount RateLimit `json:"changePasswordLimitAccount"`
	InvitationLimitUser        RateLimit `json:"invitationLimitUser"`
	InvitationLimitEmail       RateLimit `json:"invitationLimitEmail"`

	// Email (package mail). SMTPURL is smtp://user:pass@host:587 (STARTTLS
	// required), smtps://user:pass@host:465 (implicit TLS), or with
	// ?tls=none a plain connection without credentials; empty: no mail
	// server (dev mode captures mail in the dev mailbox instead).
	SMTPURL Secret `json:"smtpUrl"`
	// MailFrom is the From address ("Name <addr>" or addr); required with SMTPURL.
	MailFrom string `json:"mailFrom"`
	// MailLinkBaseURL is the base of the links in mails (verify, reset,
	// invitation); empty means PublicURL.
	MailLinkBaseURL string `json:"mailLinkBaseUrl"`
	// MailTemplatesDir overrides the embedded mail templates file by file
	// (<name>.subject.txt, <name>.txt, <name>.html); empty: the defaults.
	MailTemplatesDir string `json:"mailTemplatesDir"`

	// IdentityMode is IdentityJWT or IdentityAdmin.
	IdentityMode string `json:"identityMode"`
	// PublicURL is where browsers and Convex reach the gateway: the issuer of
	// Convex tokens and the base of the JWKS URL.
	PublicURL  string `json:"publicUrl"`
	ListenAddr string `json:"listenAddr"` // host:port the server binds
	// AdminAddr is where /readyz (with details) and /metrics are served,
	// loopback by default; "off" (or empty) serves them nowhere. The public
	// listener keeps a bare /healthz.
	AdminAddr string `json:"adminAddr"`
	// AllowedOrigins may call the API with credentials (CORS) and pass the
	// origin check of unsafe requests. Empty means the origin of PublicURL.
	AllowedOrigins []string `json:"allowedOrigins"`
	// TrustedProxies are CIDRs (or IPs) whose X-Forwarded-For is believed.
	// Empty: the client IP is the TCP peer.
	TrustedProxies []string `json:"trustedProxies"`
	// ProtectedPrefixes are page paths that need a session (else a redirect
	// to /sign-in?redirect=<path>).
	ProtectedPrefixes []string `json:"protectedPrefixes"`

	SessionSecret Secret `json:"sessionSecret"` // ≥ 32 bytes; required unless Dev
	CSRFSecret    Secret `json:"csrfSecret"`    // ≥ 32 bytes; required unless Dev
	// SessionSecretsPrevious are former session secrets whose tokens are
	// still accepted (never used to sign): set the new SESSION_SECRET, move
	// the old one here, and drop it once SESSION_MAX_AGE has passed.
	SessionSecretsPrevious []Secret      `json:"sessionSecretsPrevious"`
	SessionTTL             time.Duration `json:"sessionTtl"`          // lifetime of one session token
	SessionRefreshAfter    time.Duration `json:"sessionRefreshAfter"` // sliding refresh once older than this
	SessionMaxAge          time.Duration `json:"sessionMaxAge"`       // absolute limit across refreshes
	SecureCookies          bool          `json:"secureCookies"`       // Secure flag; forced off in Dev
	SigningKeyFile         string        `json:"signingKeyFile"`      // PEM private key (RSA or EC P-256); required in jwt mode unless Dev
	VerifyKeyFiles         []string      `json:"verifyKeyFiles"`      // extra PEM keys published in the JWKS (rotation)
	ConvexTokenTTL         time.Duration `json:"convexTokenTtl"`      // lifetime of gateway-signed Convex tokens

	BcryptCost    int           `json:"bcryptCost"`         // cost of new hashes; lower stored costs are re-hashed
	BcryptWorkers int           `json:"bcryptWorkers"`      // concurrent bcrypt operations
	BcryptMaxWait time.Duration `json:"bcryptMaxWait"`      // wait for a bcrypt slot before 503
	LockoutMax    int           `json:"lockoutMaxFailures"` // failures inside LockoutWindow that lock an account
	LockoutWindow time.Duration `json:"lockoutWindow"`      // failure-counting window
	LockoutFor    time.Duration `json:"lockoutDuration"`    // how long a lock lasts
	LoginRate     float64       `json:"loginRatePerMinute"` // per client IP
	LoginBurst    int           `json:"loginBurst"`         // per client IP
	// LoginAccountRate and LoginAccountBurst limit login attempts per
	// account, from every address together (beside the lockout; the burst
	// is above LOCKOUT_MAX_FAILURES so that guessing ends in the lock).
	LoginAccountRate  float64 `json:"loginAccountRatePerMinute"`
	LoginAccountBurst int     `json:"loginAccountBurst"`
	// MemoryStoreMaxSessions bounds the session records the in-memory state
	// store holds (REDIS_URL empty); one user holds at most 20.
	MemoryStoreMaxSessions int     `json:"memoryStoreMaxSessions"`
	APIRate                float64 `json:"apiRatePerSecond"` // per client IP, all /api routes; 0 disables
	APIBurst               int     `json:"apiBurst"`         // per client IP
	RedisURL               Secret  `json:"redisUrl"`         // may hold a password; empty: in-memory state
	BodyLimitBytes         int64   `json:"bodyLimitBytes"`   // larger request bodies get 413

	// http.Server timeouts, and the graceful shutdown deadline.
	ReadHeaderTimeout time.Duration `json:"readHeaderTimeout"`
	ReadTimeout       time.Duration `json:"readTimeout"`
	WriteTimeout      time.Duration `json:"writeTimeout"`
	IdleTimeout       time.Duration `json:"idleTimeout"`
	ShutdownTimeout   time.Duration `json:"shutdownTimeout"`

	// Secondary mutation runner (see SecondaryConfig): workers, the tasks
	// one process holds (the whole queue without Redis), the timeout of one
	// attempt, the age after which a task that keeps failing is
	// dead-lettered, the back-off cap between attempts and, with Redis, how
	// long a task must sit unacknowledged by a dead replica before another
	// claims it.
	SecondaryWorkers    int           `json:"secondaryWorkers"`
	SecondaryQueue      int           `json:"secondaryQueue"`
	SecondaryTimeout    time.Duration `json:"secondaryTimeout"`
	SecondaryMaxAge     time.Duration `json:"secondaryMaxAge"`
	SecondaryMaxBackoff time.Duration `json:"secondaryMaxBackoff"`
	SecondaryClaimIdle  time.Duration `json:"secondaryClaimIdle"`

	// AllowInsecure names the production guards to waive (outside dev the
	// gateway refuses settings that are unsafe in production): "cookies"
	// (SECURE_COOKIES=false with an https or non-loopback PUBLIC_URL),
	// "secrets" (identical or low-entropy SESSION_SECRET / CSRF_SECRET),
	// "proxies" (a TRUSTED_PROXIES range covering every address),
	// "bcrypt-cost" (BCRYPT_COST below 10), "lockout" (LOCKOUT_MAX_FAILURES
	// above 100), "dev-listen" (dev mode on a non-loopback LISTEN_ADDR),
	// "password-score" (PASSWORD_MIN_SCORE below 3).
	AllowInsecure []string `json:"allowInsecure"`

	LogLevel  string `json:"logLevel"`  // debug, info, warn, error
	LogFormat string `json:"logFormat"` // json or console
}

// Defaults returns the configuration with every default applied: the one
// place defaults live.
func Defaults() Config {
	return Config{
		ConvexTimeout:               convexclient.DefaultTimeout,
		ConvexActionTimeout:         convexclient.DefaultActionTimeout,
		BreakerFailureRatio:         convexclient.DefaultFailureRatio,
		BreakerMinRequests:          convexclient.DefaultMinRequests,
		BreakerWindow:               convexclient.DefaultBreakerWindow,
		BreakerOpenTimeout:          convexclient.DefaultOpenTimeout,
		ConvexMaxQueries:            convexclient.DefaultQueryLimit,
		ConvexMaxMutations:          convexclient.DefaultMutationLimit,
		ConvexMaxActions:            convexclient.DefaultActionLimit,
		ConvexMaxBackground:         convexclient.DefaultBackgroundLimit,
		ConvexSlotWait:              convexclient.DefaultMaxWait,
		AccountsFindByEmail:         accounts.DefaultFindByEmail,
		AccountsRecordLogin:         accounts.DefaultRecordLogin,
		AccountsSetPasswordHash:     accounts.DefaultSetPasswordHash,
		AccountsCreateUser:          accounts.DefaultCreateUser,
		AccountsMarkEmailVerified:   accounts.DefaultMarkEmailVerified,
		AccountsFindByID:            accounts.DefaultFindByID,
		AccountsAuthorizeInvitation: accounts.DefaultAuthorizeInvitation,
		RequireEmailVerification:    true,
		RevokeSessionsOnReset:       true,
		ResetTokenTTL:               time.Hour,
		VerifyTokenTTL:              24 * time.Hour,
		InviteTokenTTL:              7 * 24 * time.Hour,
		PasswordMinScore:            3,
		SignUpLimitIP:               RateLimit{10, time.Hour},
		SignUpLimitEmail:            RateLimit{3, time.Hour},
		ForgotPasswordLimitIP:       RateLimit{10, time.Hour},
		ForgotPasswordLimitEmail:    RateLimit{3, time.Hour},
		ResetPasswordLimitIP:        RateLimit{10, 15 * time.Minute},
		VerifyEmailLimitIP:          RateLimit{10, 15 * time.Minute},
		VerifyResendLimitIP:         RateLimit{10, time.Hour},
		VerifyResendLimitEmail:      RateLimit{3, time.Hour},
		ChangePasswordLimitIP:       RateLimit{10, 15 * time.Minute},
		ChangePasswordLimitAccount:  RateLimit{10, 15 * time.Minute},
		InvitationLimitUser:         RateLimit{50, time.Hour},
		InvitationLimitEmail:        RateLimit{3, time.Hour},
		IdentityMode:                IdentityJWT,
		ListenAddr:                  ":8080",
		AdminAddr:                   "127.0.0.1:9090",
		PublicURL:                   "http://localhost:8080",
		ProtectedPrefixes:           []string{"/dashboard"},
		SessionTTL:                  7 * 24 * time.Hour,
		SessionRefreshAfter:         24 * time.Hour,
		SessionMaxAge:               30 * 24 * time.Hour,
		SecureCookies:               true,
		ConvexTokenTTL:              10 * time.Minute,
		BcryptCost:                  12,
		BcryptWorkers:               runtime.NumCPU(),
		BcryptMaxWait:               2 * time.Second,
		LockoutMax:                  5,
		LockoutWindow:               15 * time.Minute,
		LockoutFor:                  15 * time.Minute,
		LoginRate:                   20,
		LoginBurst:                  10,
		LoginAccountRate:            10,
		LoginAccountBurst:           10,
		MemoryStoreMaxSessions:      100000,
		APIRate:                     50,
		APIBurst:                    100,
		BodyLimitBytes:              1 << 20,
		ReadHeaderTimeout:           5 * time.Second,
		ReadTimeout:                 15 * time.Second,
		WriteTimeout:                30 * time.Second,
		IdleTimeout:                 2 * time.Minute,
		ShutdownTimeout:             15 * time.Second,
		SecondaryWorkers:            DefaultSecondaryWorkers,
		SecondaryQueue:              DefaultSecondaryQueue,
		SecondaryTimeout:            DefaultSecondaryTimeout,
		SecondaryMaxAge:             DefaultSecondaryMaxAge,
		SecondaryMaxBackoff:         DefaultSecondaryMaxBackoff,
		SecondaryClaimIdle:          DefaultSecondaryClaimIdle,
		LogLevel:                    "info",
		LogFormat:                   "json",
	}
}

// Validate reports every problem of the configuration at once (errors.Join),
// naming the setting. It does no I/O: files are read when the gateway starts.
func (c Config) Validate() error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", setting, fmt.Sprintf(format, args...)))
	}
	if c.ConvexURL != "" {
		// The client's own rules: https unless loopback, *.convex.cloud or an allowed host.
		if err := (convexclient.Config{URL: c.ConvexURL, AllowedHosts: c.ConvexAllowedHosts}).Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.AccountsFindByEmail == "" {
		bad("ACCOUNTS_FIND_BY_EMAIL", "required: the internal query that looks a user up by email")
	}
	for _, f := range c.accountSettings() {
		if f.path != "" && !convexclient.ValidPath(f.path) {
			bad(f.setting, "%q is not a Convex function path (module:function)", f.path)
		}
	}
	errs = append(errs, c.validateMail()...)
	errs = append(errs, c.validateFlows()...)
	if _, err := routes.NewExposure(c.PassthroughExpose, nil); err != nil {
		bad("PASSTHROUGH_EXPOSE", "%v", err)
	} else if len(c.PassthroughExpose) > 0 && c.IdentityMode == IdentityAdmin && c.FunctionSpecFile == "" {
		bad("PASSTHROUGH_EXPOSE", "needs FUNCTION_SPEC_FILE in identity mode %q: the passthrough then calls with the deploy key acting as the user, which could reach internal functions the patterns match", IdentityAdmin)
	}
	switch c.IdentityMode {
	case IdentityJWT:
		if c.SigningKeyFile == "" && !c.Dev {
			bad("SIGNING_KEY_FILE", "required in identity mode %q", IdentityJWT)
		}
	case IdentityAdmin:
	default:
		bad("IDENTITY_MODE", "must be %q or %q", IdentityJWT, IdentityAdmin)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") {
		bad("PUBLIC_URL", "must be an absolute http(s) URL without a path")
	}
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		bad("LISTEN_ADDR", "must be host:port")
	}
	if c.AdminAddr != "" && c.AdminAddr != "off" {
		if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
			bad("ADMIN_ADDR", "must be host:port, or off")
		}
	}
	for _, o := range c.AllowedOrigins {
		if strings.Contains(o, "*") {
			// One matcher for CORS and the CSRF origin check: exact origins.
			bad("ALLOWED_ORIGINS", "%q: wildcards are not supported; list each origin", o)
		} else if u, err := url.Parse(o); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			bad("ALLOWED_ORIGINS", "%q is not an origin (scheme://host[:port])", o)
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := ParseIPRange(p); err != nil {
			bad("TRUSTED_PROXIES", "%q is not an IP or CIDR", p)
		}
	}
	for _, p := range c.ProtectedPrefixes {
		if !strings.HasPrefix(p, "/") {
			bad("PROTECTED_PREFIXES", "%q must start with /", p)
		}
	}
	if !c.Dev {
		if len(c.SessionSecret) < 32 {
			bad("SESSION_SECRET", "required, at least 32 bytes")
		}
		if len(c.CSRFSecret) < 32 {
			bad("CSRF_SECRET", "required, at least 32 bytes")
		}
	}
	for i, old := range c.SessionSecretsPrevious {
		if len(old) < 32 {
			bad("SESSION_SECRETS_PREVIOUS", "secret %d: at least 32 bytes", i+1)
		}
	}
	positive := func(setting string, d time.Duration) {
		if d <= 0 {
			bad(setting, "must be positive")
		}
	}
	positive("CONVEX_TIMEOUT", c.ConvexTimeout)
	positive("CONVEX_ACTION_TIMEOUT", c.ConvexActionTimeout)
	positive("BREAKER_WINDOW", c.BreakerWindow)
	positive("BREAKER_OPEN_TIMEOUT", c.BreakerOpenTimeout)
	positive("SECONDARY_MAX_AGE", c.SecondaryMaxAge)
	positive("SECONDARY_MAX_BACKOFF", c.SecondaryMaxBackoff)
	positive("SECONDARY_CLAIM_IDLE", c.SecondaryClaimIdle)
	if c.BreakerFailureRatio <= 0 || c.BreakerFailureRatio > 1 || c.BreakerFailureRatio != c.BreakerFailureRatio {
		bad("BREAKER_FAILURE_RATIO", "must be in (0, 1]")
	}
	if c.ConvexSlotWait < 0 {
		bad("CONVEX_SLOT_WAIT", "must not be negative (0 sheds at once when a lane is full)")
	}
	if c.SecondaryClaimIdle > 0 && c.SecondaryTimeout > 0 && c.SecondaryClaimIdle <= 2*c.SecondaryTimeout {
		bad("SECONDARY_CLAIM_IDLE", "must be more than twice SECONDARY_TIMEOUT, or a live replica's running task is claimed by another")
	}
	positive("SESSION_TTL", c.SessionTTL)
	positive("SESSION_REFRESH_AFTER", c.SessionRefreshAfter)
	positive("CONVEX_TOKEN_TTL", c.ConvexTokenTTL)
	positive("BCRYPT_MAX_WAIT", c.BcryptMaxWait)
	positive("LOCKOUT_WINDOW", c.LockoutWindow)
	positive("LOCKOUT_DURATION", c.LockoutFor)
	positive("READ_HEADER_TIMEOUT", c.ReadHeaderTimeout)
	positive("READ_TIMEOUT", c.ReadTimeout)
	positive("WRITE_TIMEOUT", c.WriteTimeout)
	positive("IDLE_TIMEOUT", c.IdleTimeout)
	positive("SHUTDOWN_TIMEOUT", c.ShutdownTimeout)
	positive("SECONDARY_TIMEOUT", c.SecondaryTimeout)
	if c.SessionRefreshAfter >= c.SessionTTL {
		bad("SESSION_REFRESH_AFTER", "must be below SESSION_TTL")
	}
	if c.SessionMaxAge < c.SessionTTL {
		bad("SESSION_MAX_AGE", "must be at least SESSION_TTL")
	}
	if c.ConvexTokenTTL > 0 && c.ConvexTokenTTL < 2*time.Minute {
		bad("CONVEX_TOKEN_TTL", "must be at least 2m (tokens are re-issued 1m before expiry)")
	}
	if c.BcryptCost < 4 || c.BcryptCost > 16 {
		bad("BCRYPT_COST", "must be between 4 and 16")
	}
	atLeast := func(setting string, v, min int) {
		if v < min {
			bad(setting, "must be at least %d", min)
		}
	}
	atLeast("BREAKER_MIN_REQUESTS", c.BreakerMinRequests, 1)
	atLeast("CONVEX_MAX_IN_FLIGHT_QUERIES", c.ConvexMaxQueries, 1)
	atLeast("CONVEX_MAX_IN_FLIGHT_MUTATIONS", c.ConvexMaxMutations, 1)
	atLeast("CONVEX_MAX_IN_FLIGHT_ACTIONS", c.ConvexMaxActions, 1)
	atLeast("CONVEX_MAX_IN_FLIGHT_BACKGROUND", c.ConvexMaxBackground, 1)
	atLeast("BCRYPT_WORKERS", c.BcryptWorkers, 1)
	atLeast("LOCKOUT_MAX_FAILURES", c.LockoutMax, 1)
	atLeast("LOGIN_BURST", c.LoginBurst, 1)
	atLeast("LOGIN_ACCOUNT_BURST", c.LoginAccountBurst, 1)
	if c.LoginAccountBurst <= c.LockoutMax && c.LockoutMax > 0 {
		bad("LOGIN_ACCOUNT_BURST", "must be above LOCKOUT_MAX_FAILURES (%d), or guesses end in the rate limit, never in the lock", c.LockoutMax)
	}
	atLeast("MEMORY_STORE_MAX_SESSIONS", c.MemoryStoreMaxSessions, 100)
	atLeast("SECONDARY_WORKERS", c.SecondaryWorkers, 1)
	atLeast("SECONDARY_QUEUE", c.SecondaryQueue, 1)
	if c.LoginRate <= 0 {
		bad("LOGIN_RATE", "must be positive")
	}
	if c.LoginAccountRate <= 0 {
		bad("LOGIN_ACCOUNT_RATE", "must be positive")
	}
	if c.APIRate < 0 || (c.APIRate > 0 && c.APIBurst < 1) {
		bad("API_RATE", "must be 0 (off) or positive with API_BURST ≥ 1")
	}
	if c.BodyLimitBytes < 1024 {
		bad("BODY_LIMIT", "must be at least 1024 bytes")
	}
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL.Reveal()); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("REDIS_URL", "must be a redis:// or rediss:// URL") // never echo the value: it may hold a password
		}
	}
	errs = append(errs, c.productionGuards()...)
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "must be debug, info, warn or error")
	}
	switch c.LogFormat {
	case "json", "console":
	default:
		bad("LOG_FORMAT", "must be json or console")
	}
	return errors.Join(errs...)
}

// Production guards (AllowInsecure names).
const (
	InsecureCookies    = "cookies"
	InsecureSecrets    = "secrets"
	InsecureProxies    = "proxies"
	InsecureBcryptCost = "bcrypt-cost"
	InsecureLockout    = "lockout"
	InsecureDevListen  = "dev-listen"
	// InsecurePasswordScore waives the refusal of PASSWORD_MIN_SCORE below 3.
	InsecurePasswordScore = "password-score"
)

// productionGuards refuses, outside dev, the settings that are unsafe in
// production, each unless ALLOW_INSECURE names it; and dev mode on a
// non-loopback address (dev mode has ephemeral keys and demo accounts).
func (c Config) productionGuards() []error {
	allowed := map[string]bool{}
	var errs []error
	for _, a := range c.AllowInsecure {
		switch a {
		case InsecureCookies, InsecureSecrets, InsecureProxies, InsecureBcryptCost, InsecureLockout, InsecureDevListen, InsecurePasswordScore:
			allowed[a] = true
		default:
			errs = append(errs, fmt.Errorf("ALLOW_INSECURE: unknown guard %q (cookies, secrets, proxies, bcrypt-cost, lockout, dev-listen, password-score)", a))
		}
	}
	refuse := func(guard, setting, format string, args ...any) {
		if !allowed[guard] {
			errs = append(errs, fmt.Errorf("%s: %s: refused (ALLOW_INSECURE=%s overrides)", setting, fmt.Sprintf(format, args...), guard))
		}
	}
	if c.Dev {
		// The default LISTEN_ADDR becomes 127.0.0.1:8080 in dev mode (New).
		if host, _, err := net.SplitHostPort(c.ListenAddr); err == nil && !loopbackHost(host) && c.ListenAddr != Defaults().ListenAddr {
			refuse(InsecureDevListen, "LISTEN_ADDR", "dev mode (ephemeral keys, demo accounts) on the non-loopback address %s", c.ListenAddr)
		}
		return errs
	}
	if !c.SecureCookies {
		if u, err := url.Parse(c.PublicURL); err == nil && (u.Scheme == "https" || !loopbackHost(u.Hostname())) {
			refuse(InsecureCookies, "SECURE_COOKIES", "false with PUBLIC_URL %s (cookies would travel without TLS or lose the __Host- prefix)", c.PublicURL)
		}
	}
	if c.SessionSecret.IsSet() && c.SessionSecret == c.CSRFSecret {
		refuse(InsecureSecrets, "CSRF_SECRET", "the same as SESSION_SECRET")
	}
	for _, s := range []struct {
		setting string
		v       Secret
	}{{"SESSION_SECRET", c.SessionSecret}, {"CSRF_SECRET", c.CSRFSecret}} {
		if len(s.v) >= 32 && lowEntropy(s.v.Reveal()) {
			refuse(InsecureSecrets, s.setting, "low entropy (use e.g. openssl rand -hex 32)")
		}
	}
	for _, p := range c.TrustedProxies {
		if pr, err := ParseIPRange(p); err == nil && pr.Bits() == 0 {
			refuse(InsecureProxies, "TRUSTED_PROXIES", "%s trusts every address to say who the client is", p)
		}
	}
	if c.BcryptCost >= 4 && c.BcryptCost < 10 {
		refuse(InsecureBcryptCost, "BCRYPT_COST", "%d is below 10", c.BcryptCost)
	}
	if c.LockoutMax > 100 {
		refuse(InsecureLockout, "LOCKOUT_MAX_FAILURES", "%d guesses per window is no lockout", c.LockoutMax)
	}
	if c.PasswordMinScore >= 0 && c.PasswordMinScore < 3 {
		refuse(InsecurePasswordScore, "PASSWORD_MIN_SCORE", "%d accepts common or easily guessed passwords", c.PasswordMinScore)
	}
	return errs
}

// loopbackHost reports whether host names the loopback interface.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// lowEntropy reports a secret that is not random-looking: fewer than 10
// distinct bytes, or under 128 bits by its byte frequencies (a hex string
// of 32 random bytes has about 256).
func lowEntropy(s string) bool {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	distinct, bits := 0, 0.0
	for _, n := range counts {
		if n > 0 {
			distinct++
			p := float64(n) / float64(len(s))
			bits -= float64(n) * math.Log2(p)
		}
	}
	return distinct < 10 || bits < 128
}

// ParseIPRange parses an IP ("10.0.0.1") or CIDR ("10.0.0.0/8") into a prefix.
func ParseIPRange(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("parse CIDR: %w", err)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("parse IP: %w", err)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// resilience are the Convex client's breaker, in-flight limit and timeout
// settings. CONVEX_SLOT_WAIT=0 means "shed at once" (the client's
// negative MaxWait).
func (c Config) resilience() (convexclient.BreakerSettings, convexclient.LimitSettings, convexclient.TimeoutSettings) {
	wait := c.ConvexSlotWait
	if wait == 0 {
		wait = -1
	}
	return convexclient.BreakerSettings{FailureRatio: c.BreakerFailureRatio, MinRequests: uint32(max(c.BreakerMinRequests, 0)),
			Window: c.BreakerWindow, OpenTimeout: c.BreakerOpenTimeout},
		convexclient.LimitSettings{Query: c.ConvexMaxQueries, Mutation: c.ConvexMaxMutations, Action: c.ConvexMaxActions,
			Background: c.ConvexMaxBackground, MaxWait: wait},
		convexclient.TimeoutSettings{Query: c.ConvexTimeout, Mutation: c.ConvexTimeout, Action: c.ConvexActionTimeout}
}

// accountSetting is one ACCOUNTS_* setting and the function path it names
// ("" when switched off).
type accountSetting struct{ setting, path string }

// accountSettings lists the ACCOUNTS_* settings with their function paths.
func (c Config) accountSettings() []accountSetting {
	return []accountSetting{
		{"ACCOUNTS_FIND_BY_EMAIL", c.AccountsFindByEmail},
		{"ACCOUNTS_RECORD_LOGIN", offIsEmpty(c.AccountsRecordLogin)},
		{"ACCOUNTS_SET_PASSWORD_HASH", offIsEmpty(c.AccountsSetPasswordHash)},
		{"ACCOUNTS_CREATE_USER", offIsEmpty(c.AccountsCreateUser)},
		{"ACCOUNTS_MARK_EMAIL_VERIFIED", offIsEmpty(c.AccountsMarkEmailVerified)},
		{"ACCOUNTS_FIND_BY_ID", offIsEmpty(c.AccountsFindByID)},
		{"ACCOUNTS_AUTHORIZE_INVITATION", offIsEmpty(c.AccountsAuthorizeInvitation)},
	}
}

// accountFunctions are the accounts contract's function names ("off" and ""
// switch a function other than the lookup by email off).
func (c Config) accountFunctions() accounts.Functions {
	return accounts.Functions{FindByEmail: c.AccountsFindByEmail, RecordLogin: offIsEmpty(c.AccountsRecordLogin),
		SetPasswordHash: offIsEmpty(c.AccountsSetPasswordHash), CreateUser: offIsEmpty(c.AccountsCreateUser),
		MarkEmailVerified: offIsEmpty(c.AccountsMarkEmailVerified), FindByID: offIsEmpty(c.AccountsFindByID),
		AuthorizeInvitation: offIsEmpty(c.AccountsAuthorizeInvitation)}
}

func offIsEmpty(s string) string {
	if s == "off" {
		return ""
	}
	return s
}

// origins returns the allowed origins, defaulting to the origin of PublicURL.
func (c Config) origins() []string {
	if len(c.AllowedOrigins) > 0 {
		return c.AllowedOrigins
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}
