package convexclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Defaults applied to zero Config fields.
const (
	DefaultURLSetting       = "CONVEX_URL"
	DefaultDeployKeySetting = "CONVEX_DEPLOY_KEY"
	DefaultClientName       = "convexgw-go"
	DefaultClientVersion    = "0.1.0"
	DefaultTimeout          = 10 * time.Second
	// DefaultMaxResponseBytes is twice Convex's 16 MiB return-value limit.
	// Convex measures a value's own size, not its JSON: a legal 16 MiB
	// bytes value is about 21.4 MiB of base64, and escaped strings and
	// numbers grow too; the rest is room for the envelope and log lines
	// (256 lines of up to 32 KiB each).
	DefaultMaxResponseBytes = 32 << 20
)

// Config configures a Client. Zero values mean the documented defaults; the
// struct formats itself with the deploy key redacted.
type Config struct {
	// URL is the deployment URL, e.g. https://happy-animal-123.convex.cloud.
	// The host must be *.convex.cloud, loopback, or listed in AllowedHosts
	// (a self-hosted backend); never *.convex.site. https is required
	// except for loopback and AllowedHosts hosts, which may use http (e.g.
	// http://backend:3210 in docker compose). A self-hosted or loopback URL
	// may carry a path prefix for a reverse proxy (https://x.example/convex
	// sends calls to /convex/api/query); a *.convex.cloud URL may not. No
	// query, fragment or userinfo.
	URL string
	// URLSetting names URL in error messages. Zero means "CONVEX_URL".
	URLSetting string
	// DeployKey is the secret deploy/admin key, needed only for Admin and
	// ActingAs credentials (and Internal bindings). Empty is allowed.
	DeployKey string
	// DeployKeySetting names DeployKey in error messages. Zero means "CONVEX_DEPLOY_KEY".
	DeployKeySetting string
	// AllowedHosts lists self-hosted backend host names (exact, case-insensitive,
	// without port) allowed besides *.convex.cloud and loopback. Listing a
	// host also allows plain http to it: list only hosts reached over a
	// trusted network.
	AllowedHosts []string
	// ClientName and ClientVersion form the Convex-Client header
	// "<name>-<semver>". Zero means "convexgw-go" and "0.1.0". The name must
	// not be "npm" or "npm-cli" (those get the JS client's version checks).
	ClientName, ClientVersion string
	// Credential is used by calls whose context carries none (WithCredential)
	// and that are not Internal bindings. The zero value is Anonymous().
	Credential Credential
	// Timeout is the default per-call timeout of queries and mutations (not
	// actions), retries included; Timeouts.Query and Timeouts.Mutation
	// override it, an earlier context deadline wins. Zero means 10s;
	// negative is invalid.
	Timeout time.Duration
	// Timeouts sets the per-call timeout of each kind; see TimeoutSettings
	// (actions default to 15 min).
	Timeouts TimeoutSettings
	// Retry configures retries; the zero value is 3 attempts with 100ms..2s back-off.
	Retry RetryPolicy
	// Breaker configures the circuit breakers (one per lane, see the package
	// doc); see BreakerSettings for zero values.
	Breaker BreakerSettings
	// Limits bounds the calls in flight per lane; see LimitSettings for zero
	// values. With the default HTTPClient the transport's connection pool is
	// sized to match; a custom HTTPClient should allow at least the sum of
	// the limits per host, or calls queue for a connection inside their
	// timeout.
	Limits LimitSettings
	// HTTPClient sends the requests. Nil means a client with its own tuned
	// transport that does not follow redirects.
	HTTPClient *http.Client
	// Logger receives function log lines (debug) and breaker changes (info).
	// Nil means zap.NewNop().
	Logger *zap.Logger
	// MaxResponseBytes caps a success or function-error body. Zero means
	// DefaultMaxResponseBytes; negative is invalid.
	MaxResponseBytes int64
	// OnCall, if set, is called synchronously once per call (metrics). It is
	// part of the configuration, so a client whose lazy configuration does
	// not resolve cannot report its calls: count ErrNotConfigured yourself.
	OnCall func(CallEvent)
	// OnStateChange, if set, is called on every state change of the query
	// breaker (the one Client.State reports), outside any lock (it may call
	// Client.State), in order.
	OnStateChange func(from, to State)
	// OnBreakerChange, if set, is called on every state change of every
	// breaker with its name (BreakerQuery, ...), outside any lock, in order
	// per breaker.
	OnBreakerChange func(breaker string, from, to State)

	// Test hooks (nil means real time and randomness).
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(n int64) int64
}

// RetryPolicy configures retries with exponential back-off and full jitter:
// before retry n (n = 1, 2, ...) the client sleeps a random duration in
// [0, min(MaxDelay, BaseDelay·2^(n-1))). Queries are retried on network
// errors, 429 and 503; mutations and actions only when the connection could
// not be established (the request surely never reached the backend).
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts. Zero means 3; 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first back-off ceiling. Zero means 100ms.
	BaseDelay time.Duration
	// MaxDelay caps every back-off. Zero means 2s.
	MaxDelay time.Duration
}

var semverRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.URLSetting == "" {
		c.URLSetting = DefaultURLSetting
	}
	if c.DeployKeySetting == "" {
		c.DeployKeySetting = DefaultDeployKeySetting
	}
	if c.ClientName == "" {
		c.ClientName = DefaultClientName
	}
	if c.ClientVersion == "" {
		c.ClientVersion = DefaultClientVersion
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxResponseBytes == 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	c.Timeouts = c.Timeouts.withDefaults(c.Timeout)
	c.Retry = c.Retry.withDefaults()
	c.Breaker = c.Breaker.withDefaults()
	c.Limits = c.Limits.withDefaults()
	return c
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 100 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 2 * time.Second
	}
	return p
}

// Validate reports every problem of the configuration at once (errors.Join
// of *ConfigError, all matching ErrNotConfigured), or nil. It does no I/O.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(setting, reason string) { errs = append(errs, &ConfigError{Setting: setting, Reason: reason}) }
	if _, err := parseDeploymentURL(c.URL, c.URLSetting, c.AllowedHosts); err != nil {
		errs = append(errs, err)
	}
	if c.DeployKey != "" && !validHeaderToken(c.DeployKey) {
		bad(c.DeployKeySetting, "contains spaces or control characters")
	}
	name := strings.ToLower(c.ClientName)
	if name == "npm" || name == "npm-cli" || !validHeaderToken(c.ClientName) {
		bad("ClientName", "must be a name other than npm/npm-cli without spaces")
	}
	if !semverRE.MatchString(c.ClientVersion) {
		bad("ClientVersion", "must be a semantic version such as 1.2.3")
	}
	if c.Credential.err != nil {
		bad("Credential", "is unusable: "+c.Credential.err.Error())
	}
	if c.Timeout < 0 {
		bad("Timeout", "must not be negative")
	}
	if c.MaxResponseBytes < 0 {
		bad("MaxResponseBytes", "must not be negative")
	}
	if c.Retry.MaxAttempts < 0 || c.Retry.BaseDelay < 0 || c.Retry.MaxDelay < 0 {
		bad("Retry", "must not have negative values")
	}
	if c.Timeouts.Query < 0 || c.Timeouts.Mutation < 0 || c.Timeouts.Action < 0 {
		bad("Timeouts", "must not be negative")
	}
	for _, reason := range c.Breaker.validate() {
		bad("Breaker", reason)
	}
	for _, reason := range c.Limits.validate() {
		bad("Limits", reason)
	}
	return errors.Join(errs...)
}

// validHeaderToken reports whether s is non-empty visible ASCII without spaces.
func validHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// String describes the configuration with the deploy key redacted.
func (c Config) String() string {
	key := "unset"
	if c.DeployKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("convexclient.Config{URL: %q, DeployKey: %s, AllowedHosts: %q, Timeout: %s}",
		c.URL, key, c.AllowedHosts, c.Timeout)
}

// GoString is String, so %#v redacts too.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb, so no verb can print the deploy key.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }
