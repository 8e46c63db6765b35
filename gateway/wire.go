package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/routes"
)

// sessionAudience is the audience of session tokens (never a Convex token).
const sessionAudience = "convexgw-session"

// build creates every component from the configuration. It is the only
// place concrete types are wired together. Called by Start with g.mu held.
func (g *Gateway) build(ctx context.Context) (public, admin http.Handler, err error) {
	cfg, log, now := g.cfg, g.log, g.opts.Now

	var client *convexclient.Client
	var accts accounts.Accounts
	exposure, err := g.exposure()
	if err != nil {
		return nil, nil, err
	}
	g.metrics = NewMetrics(MetricsSources{})
	store, err := g.stateStore()
	if err != nil {
		return nil, nil, err
	}
	tokens, err := g.convexTokens()
	if err != nil {
		return nil, nil, err
	}
	if cfg.Dev && g.opts.DevBackend != nil {
		env := DevBackendEnv{Issuer: g.publicURL, Now: now, Logger: log}
		if tokens != nil {
			env.JWKS = tokens.JWKS()
		}
		url, key, err := g.startDevBackend(ctx, env)
		if err != nil {
			return nil, nil, err
		}
		g.cfg.ConvexURL, g.cfg.ConvexDeployKey = url, Secret(key)
		cfg = g.cfg
	}

	g.secondary = NewSecondary(SecondaryConfig{Workers: cfg.SecondaryWorkers, QueueSize: cfg.SecondaryQueue,
		Timeout: cfg.SecondaryTimeout, MaxAge: cfg.SecondaryMaxAge, MaxBackoff: cfg.SecondaryMaxBackoff,
		ClaimIdle: cfg.SecondaryClaimIdle, Redis: g.redisClient(), Prefix: redisPrefix, Logger: log, Now: now})
	g.metrics.setSources(MetricsSources{Breakers: func() []convexclient.BreakerStatus { return client.Breakers() },
		Secondary: g.secondary.Stats, Store: g.storeState})
	breaker, limits, timeouts := cfg.resilience()
	client = convexclient.NewLazy(func() (convexclient.Config, error) {
		return convexclient.Config{
			URL: cfg.ConvexURL, DeployKey: cfg.ConvexDeployKey.Reveal(), AllowedHosts: cfg.ConvexAllowedHosts,
			Timeout: cfg.ConvexTimeout, Timeouts: timeouts, Breaker: breaker, Limits: limits, Retry: g.opts.Retry,
			Logger: log.Named("convex"), OnCall: g.metrics.ObserveCall, OnBreakerChange: g.metrics.ObserveBreakerChange,
		}, nil
	})
	g.convex = client
	if g.memStore != nil {
		g.metrics.ObserveMemoryStore(g.memStore.Stats)
	}
	if g.opts.Accounts != nil {
		accts = g.opts.Accounts(client)
	} else {
		accts = accounts.NewConvex(client, cfg.accountFunctions(), nil)
	}

	sessions, err := auth.NewSessions(auth.SessionConfig{
		Keys:   sessionKeys(cfg.SessionSecret, cfg.SessionSecretsPrevious),
		Issuer: g.publicURL, Audience: sessionAudience,
		Lifetime: cfg.SessionTTL, UpdateAge: cfg.SessionRefreshAfter, MaxAge: cfg.SessionMaxAge,
		Store: store, Secure: cfg.SecureCookies, Now: now,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sessions: %w", err)
	}
	csrf, err := auth.NewCSRF([]byte(cfg.CSRFSecret.Reveal()))
	if err != nil {
		return nil, nil, fmt.Errorf("csrf: %w", err)
	}
	policies := cfg.flowPolicies()
	maps.Copy(policies, map[string]auth.Policy{
		routes.PolicyLogin:        {Rate: cfg.LoginRate / 60, Burst: cfg.LoginBurst},
		routes.PolicyLoginAccount: {Rate: cfg.LoginAccountRate / 60, Burst: cfg.LoginAccountBurst},
		routes.PolicyAPI:          {Rate: max(cfg.APIRate, 1), Burst: max(cfg.APIBurst, 1)},
	})
	limiter, err := auth.NewLimiter(store, policies, now)
	if err != nil {
		return nil, nil, fmt.Errorf("rate limits: %w", err)
	}
	lockout := auth.NewLockout(store, auth.LockoutConfig{MaxFailures: cfg.LockoutMax, Window: cfg.LockoutWindow,
		Duration: cfg.LockoutFor, Now: now})
	guard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: limiter, Lockout: lockout})
	if err != nil {
		return nil, nil, fmt.Errorf("login guard: %w", err)
	}
	// change-password's current-password check: its own limits, the
	// login's lockout (one lock whichever route the guesses take).
	passwordGuard, err := auth.NewLoginGuard(auth.LoginGuardConfig{Limiter: limiter, Lockout: lockout,
		IPPolicy: routes.PolicyChangePasswordIP, AccountPolicy: routes.PolicyChangePasswordAccount})
	if err != nil {
		return nil, nil, fmt.Errorf("password guard: %w", err)
	}
	accountTokens, err := auth.NewAccountTokens(auth.AccountTokenConfig{Store: store, ResetTTL: cfg.ResetTokenTTL,
		VerifyTTL: cfg.VerifyTokenTTL, InviteTTL: cfg.InviteTokenTTL, Now: now})
	if err != nil {
		return nil, nil, fmt.Errorf("account tokens: %w", err)
	}
	if g.mail, err = g.newMail(g.secondary); err != nil {
		return nil, nil, err
	}
	origins := cfg.origins()
	if !contains(origins, originOf(g.publicURL)) {
		origins = append(origins, originOf(g.publicURL))
	}
	proxies, err := ipNets(cfg.TrustedProxies)
	if err != nil {
		return nil, nil, err
	}
	api := routes.NewAPI(routes.Deps{
		Logger: log, Convex: client, Accounts: accts, Exposure: exposure,
		IdentityMode: cfg.IdentityMode, PublicURL: g.publicURL,
		Passwords: auth.NewPasswords(auth.PasswordConfig{Cost: cfg.BcryptCost, PoolSize: cfg.BcryptWorkers,
			MaxWait: cfg.BcryptMaxWait}),
		Sessions: sessions, ConvexTokens: tokens, CSRF: csrf, Origins: auth.NewOriginPolicy(origins),
		LoginGuard: guard, Limiter: limiter, Secondary: g.secondary, Metrics: g.metrics, MetricsHandler: g.metrics.Handler(),
		Flows: routes.AccountFlows{Tokens: accountTokens, Mailer: g.mail.Mailer, Links: g.mail.Links,
			Policy: cfg.passwordPolicy(), SignUp: cfg.SignUpEnabled, RequireEmailVerification: cfg.RequireEmailVerification,
			KeepSessionsOnReset: !cfg.RevokeSessionsOnReset, PasswordGuard: passwordGuard, Lockout: lockout},
		Checks:         g.checks(client),
		AllowedOrigins: origins, TrustedProxies: proxies, ProtectedPrefixes: cfg.ProtectedPrefixes,
		BodyLimit: cfg.BodyLimitBytes, HSTS: cfg.SecureCookies && len(g.publicURL) > 8 && g.publicURL[:8] == "https://",
		APIRateLimit: cfg.APIRate > 0, Now: now,
	})
	for kind, fn := range api.Tasks() {
		g.secondary.Register(kind, fn)
	}
	var apps []func(*routes.Router)
	if g.mail.Mailbox != nil {
		apps = append(apps, mailboxRoutes(g.mail.Mailbox)) // dev mode only
	}
	if g.opts.App != nil {
		apps = append(apps, g.opts.App.Routes)
	}
	h := api.Handler(apps...)
	g.secondary.Start() // last: nothing after it can fail and leave workers behind
	return h, api.AdminHandler(), nil
}

// exposure is what the passthrough serves: PASSTHROUGH_EXPOSE and the
// app's Exposed bindings, limited to the public functions of the function
// spec when FUNCTION_SPEC_FILE is set. With a spec it also checks the
// patterns and the bindings (the app's and the login contract's) against it.
func (g *Gateway) exposure() (*routes.Exposure, error) {
	var appReg *convexclient.Registry
	if g.opts.App != nil {
		appReg = g.opts.App.Registry()
	}
	exposure, err := routes.NewExposure(g.cfg.PassthroughExpose, appReg)
	if err != nil {
		return nil, err
	}
	if g.cfg.FunctionSpecFile == "" {
		return exposure, nil
	}
	spec, err := readSpec(g.cfg.FunctionSpecFile)
	if err != nil {
		return nil, err
	}
	if err := spec.checkExposure(g.cfg.PassthroughExpose); err != nil {
		return nil, err
	}
	contractReg := convexclient.NewRegistry()
	if g.opts.Accounts == nil { // declared only to be checked
		accounts.NewConvex(nil, g.cfg.accountFunctions(), contractReg)
	}
	if err := g.checkBindings(spec, appReg, contractReg); err != nil {
		return nil, err
	}
	return exposure.OnlyPublic(spec.public), nil
}

// Check runs every start-up check that needs no network and does not
// listen: the signing and verification key files, the function spec, the
// passthrough patterns and the bindings (-check-config). New has already
// validated the values.
func (g *Gateway) Check() error {
	_, errE := g.exposure()
	_, errT := g.convexTokens()
	return errors.Join(errE, errT, g.checkMail())
}

// checkBindings compares the app's bindings and the login contract's
// functions with the deployment's function spec: a mismatch stops the
// gateway with FUNCTION_SPEC_STRICT, else it is logged as a warning.
func (g *Gateway) checkBindings(spec *functionSpec, regs ...*convexclient.Registry) error {
	var errs []error
	for _, r := range regs {
		if r == nil {
			continue
		}
		err := r.CheckSpec(spec.data)
		var se *convexclient.SpecError
		switch {
		case err == nil:
		case !errors.As(err, &se):
			return fmt.Errorf("FUNCTION_SPEC_FILE %s: %w", spec.path, err)
		default:
			g.hintAccountSettings(se)
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	switch {
	case err == nil:
		return nil
	case g.cfg.FunctionSpecStrict:
		return fmt.Errorf("FUNCTION_SPEC_FILE %s: %w", spec.path, err)
	}
	g.log.Warn("function spec mismatch", zap.Error(err))
	return nil
}

// hintAccountSettings names, on a login-contract function the deployment
// lacks, the setting that declares it, so the operator of an app without
// that account flow knows to switch it off.
func (g *Gateway) hintAccountSettings(se *convexclient.SpecError) {
	settings := map[string]string{}
	for _, f := range g.cfg.accountSettings() {
		if f.path != "" {
			settings[f.path] = f.setting
		}
	}
	for i, p := range se.Problems {
		s, ok := settings[p.Path]
		switch {
		case !ok || p.Problem != "missing":
		case s == "ACCOUNTS_FIND_BY_EMAIL": // required: it cannot be switched off
			se.Problems[i].Problem = "missing (declared by " + s + ", which login needs)"
		default:
			se.Problems[i].Problem = fmt.Sprintf("missing (declared by %s; set %s=off if the app has no such function)", s, s)
		}
	}
}

// redisPrefix goes before every key the gateway writes to Redis.
const redisPrefix = "convexgw:"

// stateStore returns, when REDIS_URL is set, the Redis store behind a
// timeout and a breaker (auth.NewResilientStore) on a client with short
// timeouts and no retry storm (auth.TuneRedisOptions); else a memory store.
// No I/O until first use.
func (g *Gateway) stateStore() (auth.Store, error) {
	if !g.cfg.RedisURL.IsSet() {
		ms := auth.NewMemoryStore(auth.MemoryStoreConfig{Now: g.opts.Now, MaxSessions: g.cfg.MemoryStoreMaxSessions})
		g.memStore = ms
		return ms, nil
	}
	opt, err := redis.ParseURL(g.cfg.RedisURL.Reveal())
	if err != nil {
		return nil, errors.New("REDIS_URL: cannot be parsed") // the URL may hold a password: never quote it
	}
	auth.TuneRedisOptions(opt)
	rc := redis.NewClient(opt)
	g.redis = rc
	g.closers = append(g.closers, func(context.Context) error { return rc.Close() })
	rs := auth.NewResilientStore(auth.NewRedisStore(rc, redisPrefix), auth.ResilientStoreConfig{
		OnStateChange: g.metrics.ObserveStoreChange})
	g.store = rs
	return rs, nil
}

// redisClient is the Redis client, or nil (an untyped nil, so that a
// SecondaryConfig without Redis really has none).
func (g *Gateway) redisClient() redis.UniversalClient {
	if g.redis == nil {
		return nil
	}
	return g.redis
}

// storeState is the state store's breaker state; closed without Redis.
func (g *Gateway) storeState() auth.StoreState {
	if g.store == nil {
		return auth.StoreClosed
	}
	return g.store.State()
}

// convexTokens loads the signing key (jwt mode, or whenever a key file is
// given) or, in dev mode without one, makes an ephemeral key with a loud
// warning. Admin mode without a key returns nil: no /api/auth/token.
func (g *Gateway) convexTokens() (*auth.ConvexTokens, error) {
	cfg := g.cfg
	if cfg.SigningKeyFile == "" && !cfg.Dev && cfg.IdentityMode != IdentityJWT {
		return nil, nil
	}
	tc := auth.ConvexTokenConfig{Issuer: g.publicURL, Audience: "convex", TTL: cfg.ConvexTokenTTL,
		Logger: g.log.Named("tokens"), Now: g.opts.Now}
	if cfg.SigningKeyFile != "" {
		k, err := readKey(cfg.SigningKeyFile, "SIGNING_KEY_FILE")
		if err != nil {
			return nil, err
		}
		if !k.CanSign() {
			return nil, errors.New("SIGNING_KEY_FILE: holds a public key; a private key is needed to sign")
		}
		tc.Signing = k
	} else {
		tc.Ephemeral = true
		g.log.Warn("DEV MODE: using an EPHEMERAL signing key; Convex tokens die with this process. Never use -dev in production.")
	}
	for _, f := range cfg.VerifyKeyFiles {
		k, err := readKey(f, "VERIFY_KEY_FILES")
		if err != nil {
			return nil, err
		}
		tc.Verifying = append(tc.Verifying, k)
	}
	t, err := auth.NewConvexTokens(tc)
	if err != nil {
		return nil, fmt.Errorf("convex tokens: %w", err)
	}
	return t, nil
}

func readKey(path, setting string) (*auth.SigningKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	k, err := auth.ParseSigningKeyPEM(data)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", setting, path, err)
	}
	return k, nil
}

// checks are the readiness checks: the Convex configuration and every
// breaker (an open breaker does not make the gateway unready: the backend
// is down for every replica alike), and Redis with the store's breaker
// when configured. routes bounds each check with its own deadline.
func (g *Gateway) checks(client *convexclient.Client) []routes.Check {
	cs := []routes.Check{{Name: "convex", Fn: func(context.Context) (string, error) {
		if err := client.Ready(); err != nil {
			var ce *convexclient.ConfigError
			if errors.As(err, &ce) && ce.Setting != "" {
				return "", fmt.Errorf("%s %s", ce.Setting, ce.Reason)
			}
			return "", errors.New("backend not configured")
		}
		return breakersDetail(client.Breakers()), nil
	}}}
	if g.redis != nil {
		rc := g.redis
		cs = append(cs, routes.Check{Name: "redis", Fn: func(ctx context.Context) (string, error) {
			state := "store breaker " + g.storeState().String()
			if err := rc.Ping(ctx).Err(); err != nil {
				return "", errors.New("redis unreachable; " + state)
			}
			return "reachable; " + state, nil
		}})
	}
	return cs
}

// breakersDetail describes every lane: "query breaker closed (3/64 in
// flight), mutation breaker open (0/32 in flight), ...".
func breakersDetail(bs []convexclient.BreakerStatus) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		p := b.Name + " breaker " + b.State.String()
		if b.Limit > 0 {
			p += fmt.Sprintf(" (%d/%d in flight)", b.InFlight, b.Limit)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func ipNets(ranges []string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, r := range ranges {
		p, err := ParseIPRange(r)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
		_, n, err := net.ParseCIDR(p.String())
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
		out = append(out, n)
	}
	return out, nil
}

func originOf(u string) string {
	for i := len("https://"); i < len(u); i++ {
		if u[i] == '/' {
			return u[:i]
		}
	}
	return u
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// sessionKeys are the signing key (first) and the keys of previous secrets,
// each with a kid derived from its secret, so every replica names a secret
// the same way and a token names the secret that signed it.
func sessionKeys(current Secret, previous []Secret) []auth.SessionKey {
	keys := make([]auth.SessionKey, 0, 1+len(previous))
	for _, s := range append([]Secret{current}, previous...) {
		sum := sha256.Sum256([]byte("convexgw session key id\x00" + s.Reveal()))
		keys = append(keys, auth.SessionKey{ID: "s" + hex.EncodeToString(sum[:6]), Secret: []byte(s.Reveal())})
	}
	return keys
}
