package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// serveCassettes serves strict replay of every cassette in o.cassettes.
func serveCassettes(ctx context.Context, o options, stdout io.Writer, log *zap.Logger) error {
	cs, err := convextest.LoadCassettes(o.cassettes)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return fmt.Errorf("no cassettes (*.json) in %s", o.cassettes)
	}
	n := 0
	for _, c := range cs {
		n += len(c.Interactions)
	}
	rp := convextest.NewReplayer(convextest.ReplayOptions{
		MissStatus: http.StatusNotFound,
		Repeat:     o.repeat,
		OnMiss:     func(m convextest.Miss) { log.Warn("unrecorded request", zap.String("miss", m.String())) },
	}, cs...)
	log.Info("replaying cassettes", zap.Int("cassettes", len(cs)), zap.Int("interactions", n))
	return serve(ctx, o.addr, rp, stdout, log)
}

// serveDev serves the dev backend with the demo seed.
func serveDev(ctx context.Context, addr, key string, verify func(string) (*convexclient.Identity, error), stdout io.Writer, log *zap.Logger) error {
	b := devbackend.New(devbackend.Options{Logger: log})
	d := b.Deployment(convextest.Options{AdminKey: key, VerifyToken: verify, MaxRecordedCalls: -1}) // long-running: keep no call log
	for _, a := range devbackend.DemoAccounts() {
		log.Info("demo account", zap.String("email", a.Email), zap.String("role", a.Role), zap.Bool("active", a.Active))
	}
	return serve(ctx, addr, d, stdout, log)
}

// serve runs h on addr until ctx is cancelled, then shuts down within 5 s.
// It prints the URL as the first line of stdout.
func serve(ctx context.Context, addr string, h http.Handler, stdout io.Writer, log *zap.Logger) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: zap.NewStdLog(log)}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
