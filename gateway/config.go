package gateway

import (
	"errors"
	"fmt"
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
	ConvexURL          string        `json:"convexUrl"`
	ConvexDeployKey    Secret        `json:"convexDeployKey"`    // for internal functions and admin identity mode
	ConvexAllowedHosts []string      `json:"convexAllowedHosts"` // self-hosted hosts allowed besides *.convex.cloud
	ConvexTimeout      time.Duration `json:"convexTimeout"`      // per call
	BreakerFailures    int           `json:"breakerFailures"`    // consecutive outages that open the breaker
	BreakerOpenTimeout time.Duration `json:"breakerOpenTimeout"` // open → half-open after this
	FunctionSpecFile   string        `json:"functionSpecFile"`   // `npx convex function-spec` output; empty: no check
	FunctionSpecStrict bool          `json:"functionSpecStrict"` // refuse to start on a mismatch (else warn)

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

	BcryptCost     int           `json:"bcryptCost"`         // cost of new hashes; lower stored costs are re-hashed
	BcryptWorkers  int           `json:"bcryptWorkers"`      // concurrent bcrypt operations
	BcryptMaxWait  time.Duration `json:"bcryptMaxWait"`      // wait for a bcrypt slot before 503
	LockoutMax     int           `json:"lockoutMaxFailures"` // failures inside LockoutWindow that lock an account
	LockoutWindow  time.Duration `json:"lockoutWindow"`      // failure-counting window
	LockoutFor     time.Duration `json:"lockoutDuration"`    // how long a lock lasts
	LoginRate      float64       `json:"loginRatePerMinute"` // per client IP
	LoginBurst     int           `json:"loginBurst"`         // per client IP
	APIRate        float64       `json:"apiRatePerSecond"`   // per client IP, all /api routes; 0 disables
	APIBurst       int           `json:"apiBurst"`           // per client IP
	RedisURL       Secret        `json:"redisUrl"`           // may hold a password; empty: in-memory state
	BodyLimitBytes int64         `json:"bodyLimitBytes"`     // larger request bodies get 413

	// http.Server timeouts, and the graceful shutdown deadline.
	ReadHeaderTimeout time.Duration `json:"readHeaderTimeout"`
	ReadTimeout       time.Duration `json:"readTimeout"`
	WriteTimeout      time.Duration `json:"writeTimeout"`
	IdleTimeout       time.Duration `json:"idleTimeout"`
	ShutdownTimeout   time.Duration `json:"shutdownTimeout"`

	// Secondary mutation runner: workers, queue size, attempts per task.
	SecondaryWorkers  int           `json:"secondaryWorkers"`
	SecondaryQueue    int           `json:"secondaryQueue"`
	SecondaryAttempts int           `json:"secondaryAttempts"`
	SecondaryTimeout  time.Duration `json:"secondaryTimeout"` // per attempt

	LogLevel  string `json:"logLevel"`  // debug, info, warn, error
	LogFormat string `json:"logFormat"` // json or console
}

// Defaults returns the configuration with every default applied: the one
// place defaults live.
func Defaults() Config {
	return Config{
		ConvexTimeout:             10 * time.Second,
		AccountsFindByEmail:       accounts.DefaultFindByEmail,
		AccountsRecordLogin:       accounts.DefaultRecordLogin,
		AccountsSetPasswordHash:   accounts.DefaultSetPasswordHash,
		AccountsCreateUser:        accounts.DefaultCreateUser,
		AccountsMarkEmailVerified: accounts.DefaultMarkEmailVerified,
		AccountsFindByID:          accounts.DefaultFindByID,
		BreakerFailures:           5,
		BreakerOpenTimeout:        10 * time.Second,
		IdentityMode:              IdentityJWT,
		ListenAddr:                ":8080",
		PublicURL:                 "http://localhost:8080",
		ProtectedPrefixes:         []string{"/dashboard"},
		SessionTTL:                7 * 24 * time.Hour,
		SessionRefreshAfter:       24 * time.Hour,
		SessionMaxAge:             30 * 24 * time.Hour,
		SecureCookies:             true,
		ConvexTokenTTL:            10 * time.Minute,
		BcryptCost:                12,
		BcryptWorkers:             runtime.NumCPU(),
		BcryptMaxWait:             2 * time.Second,
		LockoutMax:                5,
		LockoutWindow:             15 * time.Minute,
		LockoutFor:                15 * time.Minute,
		LoginRate:                 20,
		LoginBurst:                10,
		APIRate:                   50,
		APIBurst:                  100,
		BodyLimitBytes:            1 << 20,
		ReadHeaderTimeout:         5 * time.Second,
		ReadTimeout:               15 * time.Second,
		WriteTimeout:              30 * time.Second,
		IdleTimeout:               2 * time.Minute,
		ShutdownTimeout:           15 * time.Second,
		SecondaryWorkers:          2,
		SecondaryQueue:            256,
		SecondaryAttempts:         5,
		SecondaryTimeout:          5 * time.Second,
		LogLevel:                  "info",
		LogFormat:                 "json",
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
	for _, f := range []struct{ setting, path string }{
		{"ACCOUNTS_FIND_BY_EMAIL", c.AccountsFindByEmail},
		{"ACCOUNTS_RECORD_LOGIN", offIsEmpty(c.AccountsRecordLogin)},
		{"ACCOUNTS_SET_PASSWORD_HASH", offIsEmpty(c.AccountsSetPasswordHash)},
		{"ACCOUNTS_CREATE_USER", offIsEmpty(c.AccountsCreateUser)},
		{"ACCOUNTS_MARK_EMAIL_VERIFIED", offIsEmpty(c.AccountsMarkEmailVerified)},
		{"ACCOUNTS_FIND_BY_ID", offIsEmpty(c.AccountsFindByID)},
	} {
		if f.path != "" && !convexclient.ValidPath(f.path) {
			bad(f.setting, "%q is not a Convex function path (module:function)", f.path)
		}
	}
	errs = append(errs, c.validateMail()...)
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
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
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
	positive("BREAKER_OPEN_TIMEOUT", c.BreakerOpenTimeout)
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
	atLeast("BREAKER_FAILURES", c.BreakerFailures, 1)
	atLeast("BCRYPT_WORKERS", c.BcryptWorkers, 1)
	atLeast("LOCKOUT_MAX_FAILURES", c.LockoutMax, 1)
	atLeast("LOGIN_BURST", c.LoginBurst, 1)
	atLeast("SECONDARY_WORKERS", c.SecondaryWorkers, 1)
	atLeast("SECONDARY_QUEUE", c.SecondaryQueue, 1)
	atLeast("SECONDARY_ATTEMPTS", c.SecondaryAttempts, 1)
	if c.LoginRate <= 0 {
		bad("LOGIN_RATE", "must be positive")
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

// accountFunctions are the accounts contract's function names ("off" and ""
// switch a function other than the lookup by email off).
func (c Config) accountFunctions() accounts.Functions {
	return accounts.Functions{FindByEmail: c.AccountsFindByEmail, RecordLogin: offIsEmpty(c.AccountsRecordLogin),
		SetPasswordHash: offIsEmpty(c.AccountsSetPasswordHash), CreateUser: offIsEmpty(c.AccountsCreateUser),
		MarkEmailVerified: offIsEmpty(c.AccountsMarkEmailVerified), FindByID: offIsEmpty(c.AccountsFindByID)}
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
