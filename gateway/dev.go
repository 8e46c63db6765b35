package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// startDevBackend serves the embedded dev backend (the Go emulation of the
// demo app's functions on a convextest deployment) on a loopback port the
// gateway owns, and returns its URL and a random deploy key. In jwt mode the
// deployment verifies Bearer tokens with the gateway's own keys, as Convex
// does through the JWKS.
func (g *Gateway) startDevBackend(ctx context.Context, tokens *auth.ConvexTokens) (url, deployKey string, err error) {
	deployKey = g.cfg.ConvexDeployKey.Reveal()
	if deployKey == "" {
		deployKey = "dev:" + randomHex(16)
	}
	opts := convextest.Options{AdminKey: deployKey, MaxRecordedCalls: -1} // long-running: keep no call log
	if tokens != nil {
		// As Convex does: a customJwt provider reading the gateway's JWKS.
		opts.VerifyToken = convextest.JWKSVerifier(tokens.JWKS(), tokens.Issuer(), "convex", g.opts.Now)
	}
	backend := devbackend.New(devbackend.Options{Now: g.opts.Now, Logger: g.log})
	dep := backend.Deployment(opts)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", fmt.Errorf("dev backend listen: %w", err)
	}
	srv := &http.Server{Handler: dep, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: zap.NewStdLog(g.log.Named("devbackend.http").WithOptions(zap.IncreaseLevel(zap.WarnLevel)))}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			g.log.Error("dev backend stopped", zap.Error(err))
		}
	}()
	g.closers = append(g.closers, srv.Shutdown)
	url = "http://" + ln.Addr().String()
	g.log.Warn("DEV MODE: embedded dev backend with demo data; state is in memory and lost on exit",
		zap.String("convex_url", url))
	return url, deployKey, nil
}
