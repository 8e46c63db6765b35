package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

// recordConfig is the -record mode's configuration.
type recordConfig struct {
	upstream  string // base URL of the runner or deployment
	deployKey string // secret: sent upstream, never recorded
	out       string // cassette directory
	scenarios string // comma-separated names, "" = all
	reset     bool   // POST /__reset before each scenario (local runner)
	normalize convextest.NormalizeMode
	client    *http.Client
	log       *zap.Logger
}

// record runs the selected scenarios through a recording proxy in front of
// the upstream and writes one cassette per scenario.
func record(ctx context.Context, cfg recordConfig) error {
	scs, err := selectScenarios(cfg.scenarios)
	if err != nil {
		return err
	}
	if cfg.client == nil {
		cfg.client = &http.Client{Timeout: 30 * time.Second}
	}
	for _, sc := range scs {
		c, err := recordScenario(ctx, cfg, sc)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.name, err)
		}
		name, err := c.WriteFile(cfg.out)
		if err != nil {
			return err
		}
		cfg.log.Info("recorded", zap.String("scenario", sc.name), zap.Int("interactions", len(c.Interactions)), zap.String("file", name))
	}
	return nil
}

func recordScenario(ctx context.Context, cfg recordConfig, sc scenario) (*convextest.Cassette, error) {
	if cfg.reset {
		if err := resetUpstream(ctx, cfg.client, cfg.upstream, cfg.deployKey); err != nil {
			return nil, err
		}
	}
	rec, err := convextest.NewRecorder(convextest.RecorderOptions{
		Upstream: cfg.upstream, DeployKey: cfg.deployKey, Scenario: sc.name,
		Description: sc.description, Normalize: cfg.normalize, HTTPClient: cfg.client,
	})
	if err != nil {
		return nil, err
	}
	url, stop, err := serveLoopback(rec)
	if err != nil {
		return nil, err
	}
	defer stop()
	s := &session{ctx: ctx, base: url, client: cfg.client}
	sc.run(s)
	if s.err != nil {
		return nil, s.err
	}
	return rec.Cassette(), nil
}

// recordProxy serves the recording proxy on addr until ctx is cancelled
// (for recording whatever a client such as the gateway sends), then writes
// the cassette named cfg.scenarios.
func recordProxy(ctx context.Context, cfg recordConfig, addr string, stdout io.Writer) error {
	name := cfg.scenarios
	if name == "" || strings.ContainsAny(name, ",/\\") {
		return errors.New("-proxy needs -scenario NAME (one name: the cassette's)")
	}
	if cfg.client == nil {
		cfg.client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.reset {
		if err := resetUpstream(ctx, cfg.client, cfg.upstream, cfg.deployKey); err != nil {
			return err
		}
	}
	rec, err := convextest.NewRecorder(convextest.RecorderOptions{
		Upstream: cfg.upstream, DeployKey: cfg.deployKey, Scenario: name,
		Description: "recorded through the proxy", Normalize: cfg.normalize, HTTPClient: cfg.client,
	})
	if err != nil {
		return err
	}
	if err := serve(ctx, addr, rec, stdout, cfg.log); err != nil {
		return err
	}
	c := rec.Cassette()
	file, err := c.WriteFile(cfg.out)
	if err != nil {
		return err
	}
	cfg.log.Info("recorded", zap.String("scenario", name), zap.Int("interactions", len(c.Interactions)), zap.String("file", file))
	return nil
}

// resetUpstream asks the local runner to drop its state and reload the seed.
func resetUpstream(ctx context.Context, client *http.Client, upstream, key string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(upstream, "/")+"/__reset", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Convex "+key)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("reset: %s: %s (use -no-reset for a real deployment)", resp.Status, b)
	}
	return nil
}

// serveLoopback serves h on a free loopback port until stop is called.
func serveLoopback(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // a serve failure fails the scenario's calls, which report it
	}()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}
