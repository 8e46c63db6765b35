package convexclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Client calls the functions of one Convex deployment over its HTTP API. It
// is safe for concurrent use and meant to be built once and reused: it holds
// the connection pool and the deployment's circuit breakers and in-flight limits.
type Client struct {
	resolve func() (Config, error)
	eng     atomic.Pointer[engine]
	mu      sync.Mutex // serialises resolution
}

// engine is an immutable, validated configuration plus its runtime parts.
type engine struct {
	cfg          Config
	base         string
	endpoints    [KindAction + 1]string
	hc           *http.Client
	lanes        [numLanes]lane // isolated breakers and in-flight limits
	clientHeader []string
	adminAuth    []string // {"Convex <key>"}, or nil without a key
	urls         [KindAction + 1]*url.URL
	rt           http.RoundTripper // set when hc is ours: skip http.Client's per-call header copies
	debug        bool              // logger enabled at debug level
	now          func() time.Time
	sleep        func(ctx context.Context, d time.Duration) error
	jitter       func(n int64) int64
	log          *zap.Logger
	bufs         sync.Pool // *[]byte response buffers
}

// New validates cfg and returns a ready Client, or an error matching
// ErrNotConfigured (an errors.Join of *ConfigError) naming each bad setting.
func New(cfg Config) (*Client, error) {
	e, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{}
	c.eng.Store(e)
	return c, nil
}

// NewLazy returns a Client whose configuration is resolved by resolve on
// first use (a call, Ready or State does it). A resolution or validation
// failure is returned as an error matching ErrNotConfigured and is not
// cached: the next use tries again. After a success the Client is fixed.
// resolve is never called concurrently with itself; nil resolve means never configured.
func NewLazy(resolve func() (Config, error)) *Client {
	return &Client{resolve: resolve}
}

// engine returns the built engine, resolving a lazy configuration first.
func (c *Client) engine() (*engine, error) {
	if e := c.eng.Load(); e != nil {
		return e, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.eng.Load(); e != nil {
		return e, nil
	}
	if c.resolve == nil {
		return nil, &ConfigError{Setting: DefaultURLSetting, Reason: "is not set"}
	}
	cfg, err := c.resolve()
	if err != nil {
		if errors.Is(err, ErrNotConfigured) {
			return nil, err
		}
		return nil, &ConfigError{Reason: "configuration could not be loaded", Err: err}
	}
	e, err := newEngine(cfg)
	if err != nil {
		return nil, err
	}
	c.eng.Store(e)
	return e, nil
}

// Ready reports whether the client is configured: nil, or an error matching
// ErrNotConfigured that names the missing or invalid setting. It resolves a
// lazy configuration but does no network I/O.
func (c *Client) Ready() error {
	_, err := c.engine()
	return err
}

// State returns the state of the foreground query breaker (resolving a lazy
// configuration if needed, without I/O): the one every read and login
// depends on. StateClosed when the client cannot be configured or breakers
// are disabled. Breakers reports every breaker.
func (c *Client) State() State {
	e, err := c.engine()
	if err != nil {
		return StateClosed
	}
	return e.lanes[laneQuery].br.state()
}

// CloseIdleConnections closes the client's idle keep-alive connections (for
// shutdown). The client stays usable; new calls open new connections.
func (c *Client) CloseIdleConnections() {
	if e := c.eng.Load(); e != nil {
		e.hc.CloseIdleConnections()
	}
}

// String describes the client without secrets.
func (c *Client) String() string {
	if e := c.eng.Load(); e != nil {
		return "convexclient.Client(" + e.base + ")"
	}
	return "convexclient.Client(unresolved)"
}

// Format writes String for every verb.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

func newEngine(cfg Config) (*engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	base, _ := parseDeploymentURL(cfg.URL, cfg.URLSetting, cfg.AllowedHosts)
	e := &engine{
		cfg:          cfg,
		base:         base,
		hc:           cfg.HTTPClient,
		clientHeader: []string{cfg.ClientName + "-" + cfg.ClientVersion},
		now:          cfg.now,
		sleep:        cfg.sleep,
		jitter:       cfg.jitter,
		log:          cfg.Logger.Named("convexclient"),
	}
	for _, k := range []Kind{KindQuery, KindMutation, KindAction} {
		e.endpoints[k] = base + k.Endpoint()
		u, err := url.Parse(e.endpoints[k])
		if err != nil {
			return nil, &ConfigError{Setting: cfg.URLSetting, Reason: "is not a valid URL"}
		}
		e.urls[k] = u
	}
	if cfg.DeployKey != "" {
		e.adminAuth = []string{"Convex " + cfg.DeployKey}
	}
	if e.hc == nil {
		e.hc = defaultHTTPClient(cfg.Limits)
		e.rt = e.hc.Transport
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.sleep == nil {
		e.sleep = sleepCtx
	}
	if e.jitter == nil {
		e.jitter = rand.Int64N
	}
	e.lanes = newLanes(cfg, base, e.now, e.log)
	return e, nil
}

// defaultHTTPClient has its own transport (keep-alive pool sized for a
// gateway fanning out to one host) and never follows redirects, so the
// Authorization header is never sent anywhere else.
//
// With in-flight limits (LimitSettings) the pool is sized to their sum and
// the per-host connection cap is lifted: the limits already bound the calls
// in flight, and a transport cap below them would make calls wait for a
// connection inside their timeout (issue 16).
func defaultHTTPClient(lim LimitSettings) *http.Client {
	t := &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		DialContext:       (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2: true,
		// A gateway sends every call to one host. Over HTTP/1.1 each
		// in-flight call holds a connection (two goroutines, 8 KiB of
		// buffers): cap them at 64, so 256 concurrent clients share 64
		// backend connections instead of opening 256 (peak RSS at 256
		// client connections 48–51 → 43–44 MiB, same req/s on loopback;
		// calls beyond 64 queue for a connection, within their timeout).
		// With LimitSettings (the default) the lanes' limits replace this
		// cap, see below.
		// Keeping as many idle as allowed means a burst never closes and
		// re-dials connections (churn, TIME_WAIT). HTTP/2 backends
		// (convex.cloud over TLS) multiplex calls on one or few of them.
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   64,
		MaxConnsPerHost:       64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if !lim.Disabled {
		t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = lim.total(), lim.total(), 0
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
