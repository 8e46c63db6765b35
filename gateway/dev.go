package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// DevBackend builds the embedded Convex backend of dev mode: a handler that
// serves the Convex HTTP API (for example a convextest deployment running
// an app's functions in Go). The gateway serves it on a loopback port it
// owns, for the life of the gateway.
type DevBackend func(DevBackendEnv) (http.Handler, error)

// DevBackendEnv is what the gateway tells its dev backend.
type DevBackendEnv struct {
	// DeployKey is the admin key the backend must accept.
	DeployKey string
	// JWKS and Issuer are the gateway's token trust (nil JWKS in admin
	// identity mode without a signing key): a backend that checks Bearer
	// tokens as Convex's customJwt provider does verifies them against these.
	JWKS   []byte
	Issuer string
	// Now is the gateway's clock; Logger its logger.
	Now    func() time.Time
	Logger *zap.Logger
}

// startDevBackend serves the dev backend on a loopback port and returns its
// URL and the deploy key (CONVEX_DEPLOY_KEY, else a random one).
func (g *Gateway) startDevBackend(ctx context.Context, env DevBackendEnv) (url, deployKey string, err error) {
	deployKey = g.cfg.ConvexDeployKey.Reveal()
	if deployKey == "" {
		deployKey = "dev:" + randomHex(16)
	}
	env.DeployKey = deployKey
	h, err := g.opts.DevBackend(env)
	if err != nil {
		return "", "", fmt.Errorf("dev backend: %w", err)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("dev backend listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: zap.NewStdLog(g.log.Named("devbackend.http").WithOptions(zap.IncreaseLevel(zap.WarnLevel)))}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			g.log.Error("dev backend stopped", zap.Error(err))
		}
	}()
	g.closers = append(g.closers, srv.Shutdown)
	url = "http://" + ln.Addr().String()
	g.log.Warn("DEV MODE: embedded dev backend; state is in memory and lost on exit", zap.String("convex_url", url))
	return url, deployKey, nil
}
