// Package gateway wires the service together: configuration, the Convex
// client, auth primitives, routes, the secondary mutation runner, metrics
// and the http.Server lifecycle.
package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
)

// Options are the collaborators a caller may inject. The zero value is usable.
type Options struct {
	Logger *zap.Logger              // nil means zap.NewNop()
	Now    func() time.Time         // clock of sessions, lockout, rate limits, tokens; nil means time.Now
	Retry  convexclient.RetryPolicy // Convex client retries; zero means its defaults
}

// Gateway is the running service. New does no I/O; Start listens and
// serves; Shutdown (or the end of Run's context) stops it gracefully.
type Gateway struct {
	cfg  Config
	opts Options
	log  *zap.Logger

	mu        sync.Mutex
	started   bool
	ln        net.Listener
	srv       *http.Server
	served    chan struct{} // closed when Serve returns; serveErr is then set
	serveErr  error
	shutdown  sync.Once
	shutErr   error
	secondary *Secondary
	convex    *convexclient.Client
	metrics   *Metrics
	redis     *redis.Client
	closers   []func(context.Context) error // dev backend, Redis: closed last, in reverse order
	publicURL string
	onStart   []func(url string)
}

// OnStart registers f to run once the gateway listens (Run calls it with the
// gateway's URL), e.g. to print the dev-mode banner. Call before Run.
func (g *Gateway) OnStart(f func(url string)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.onStart = append(g.onStart, f)
}

// New validates cfg and returns a gateway ready to Start. In dev mode it
// fills missing secrets with random ones and turns Secure cookies off. It
// does no I/O.
func New(cfg Config, opts Options) (*Gateway, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if cfg.Dev {
		cfg = devConfig(cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return &Gateway{cfg: cfg, opts: opts, log: opts.Logger, publicURL: cfg.PublicURL}, nil
}

// devConfig applies dev-mode settings: loopback listen address, random
// secrets, plain-http cookies.
func devConfig(cfg Config) Config {
	if cfg.ListenAddr == Defaults().ListenAddr {
		cfg.ListenAddr = "127.0.0.1:8080"
	}
	if !cfg.SessionSecret.IsSet() {
		cfg.SessionSecret = Secret(randomHex(32))
	}
	if !cfg.CSRFSecret.IsSet() {
		cfg.CSRFSecret = Secret(randomHex(32))
	}
	cfg.SecureCookies = false
	return cfg
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// Start listens first (a bind error returns at once), then builds the
// service (reading key files, starting the dev backend) and serves in the
// background. Call Shutdown to stop.
func (g *Gateway) Start(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started {
		return errors.New("gateway: already started")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", g.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", g.cfg.ListenAddr, err)
	}
	if g.cfg.Dev && g.cfg.PublicURL == Defaults().PublicURL {
		g.publicURL = "http://" + ln.Addr().String()
	}
	handler, err := g.build(ctx)
	if err != nil {
		_ = ln.Close()
		g.closeAll(context.Background())
		return err
	}
	g.ln, g.started = ln, true
	g.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: g.cfg.ReadHeaderTimeout,
		ReadTimeout:       g.cfg.ReadTimeout,
		WriteTimeout:      g.cfg.WriteTimeout,
		IdleTimeout:       g.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          zap.NewStdLog(g.log.Named("http").WithOptions(zap.IncreaseLevel(zap.WarnLevel))),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	g.served = make(chan struct{})
	go func() {
		err := g.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		g.serveErr = err
		close(g.served)
	}()
	g.log.Info("gateway listening", zap.String("addr", ln.Addr().String()), zap.String("public_url", g.publicURL),
		zap.String("identity_mode", g.cfg.IdentityMode), zap.Bool("dev", g.cfg.Dev))
	return nil
}

// Addr is the listening address (after Start), e.g. 127.0.0.1:43121.
func (g *Gateway) Addr() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ln == nil {
		return ""
	}
	return g.ln.Addr().String()
}

// URL is the base URL of the listening gateway, http://<Addr>.
func (g *Gateway) URL() string { return "http://" + g.Addr() }

// ConvexURL is the Convex deployment URL in use (the dev backend's in dev mode).
func (g *Gateway) ConvexURL() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cfg.ConvexURL
}

// Secondary returns the secondary mutation runner (after Start).
func (g *Gateway) Secondary() *Secondary {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.secondary
}

// Shutdown stops accepting connections, lets in-flight requests finish,
// drains the secondary mutations and closes the dev backend and Redis, all
// within ctx. Requests still running when ctx ends have their connections
// closed. It returns the joined errors; a clean stop returns nil. Later
// calls return the first call's result.
func (g *Gateway) Shutdown(ctx context.Context) error {
	g.shutdown.Do(func() { g.shutErr = g.doShutdown(ctx) })
	return g.shutErr
}

func (g *Gateway) doShutdown(ctx context.Context) error {
	g.mu.Lock()
	srv, sec := g.srv, g.secondary
	g.mu.Unlock()
	var errs []error
	if srv != nil {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
			// Deadline passed with requests in flight: close their
			// connections (cancelling their contexts) rather than leave
			// them running while the runner drains and the stores close.
			_ = srv.Close()
		}
		<-g.served
		if g.serveErr != nil {
			errs = append(errs, fmt.Errorf("serve: %w", g.serveErr))
		}
	}
	if sec != nil {
		if err := sec.Drain(ctx); err != nil {
			errs = append(errs, fmt.Errorf("drain secondary mutations: %w", err))
		}
	}
	errs = append(errs, g.closeAll(ctx))
	return errors.Join(errs...)
}

func (g *Gateway) closeAll(ctx context.Context) error {
	var errs []error
	for i := len(g.closers) - 1; i >= 0; i-- {
		errs = append(errs, g.closers[i](ctx))
	}
	g.closers = nil
	return errors.Join(errs...)
}

// Run starts the gateway and serves until ctx ends (SIGINT/SIGTERM in
// cmd/gateway), then shuts down within Config.ShutdownTimeout. It returns
// a bind or serve error at once.
func (g *Gateway) Run(ctx context.Context) error {
	if err := g.Start(ctx); err != nil {
		return err
	}
	g.mu.Lock()
	hooks := g.onStart
	g.mu.Unlock()
	for _, f := range hooks {
		f(g.URL())
	}
	select {
	case <-ctx.Done():
	case <-g.served: // Serve failed; Shutdown reports it
	}
	g.log.Info("shutting down", zap.Duration("deadline", g.cfg.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.ShutdownTimeout)
	defer cancel()
	return g.Shutdown(sctx)
}
