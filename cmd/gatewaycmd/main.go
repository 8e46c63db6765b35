// Package gatewaycmd is the gateway's command line: configuration from the
// environment and flags (every setting is both), the logger, signals and
// the exit code. cmd/gateway is this package with the demo app for -dev; an
// app built on the gateway as a Go library gets the same command, with the
// same settings, from a main of three lines:
//
//	func main() {
//		gatewaycmd.Main(gatewaycmd.Options{App: myapp.New()})
//	}
//
// Flags beyond the settings: -check-config (validate everything, files
// included, print the configuration with secrets redacted, exit 0 or 1),
// -healthcheck (GET /healthz on the local listen address, for container
// health checks) and -h (every setting with its type, default and
// environment variable).
package gatewaycmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/gateway"
)

// Options choose what the command serves. The zero value is the gateway
// alone: auth, sessions, health, identity documents and the passthrough for
// PASSTHROUGH_EXPOSE, with the default login contract.
type Options struct {
	// Name is the program name in messages and -h; empty means "gateway".
	Name string
	// App is served beside the gateway's routes (gateway.Options.App).
	App gateway.App
	// Accounts replaces the default login contract (gateway.Options.Accounts).
	Accounts func(*convexclient.Client) accounts.Accounts
	// Dev, if set, is what -dev (DEV=true) serves instead of App: an app
	// with its embedded backend and a banner.
	Dev *Dev
}

// Dev is an app for dev mode: run against its embedded backend, with a
// banner printed once the gateway listens.
type Dev struct {
	App     gateway.App
	Backend gateway.DevBackend
	// Banner, if set, prints what a developer needs (URL, demo accounts).
	Banner func(w io.Writer, url string)
}

// Main runs the command with the process's arguments, environment and
// signals (SIGINT, SIGTERM: graceful shutdown; a second signal kills) and
// exits with its code.
func Main(opts Options) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts the graceful shutdown, restore the
	// default handling: a second Ctrl-C kills the process at once.
	context.AfterFunc(ctx, stop)
	code := Run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr, opts)
	stop()
	os.Exit(code)
}

// Run is Main without the process: it returns the exit code (0 success, 1
// failure, 2 bad usage or configuration).
func Run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer, opts Options) int {
	name := opts.Name
	if name == "" {
		name = "gateway"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, cf, err := loadConfig(args, lookupEnv, fs)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if cf.healthcheck {
		return healthcheck(ctx, cfg.ListenAddr, stderr)
	}
	gopts := gateway.Options{App: opts.App, Accounts: opts.Accounts}
	var banner func(io.Writer, string)
	if cfg.Dev && opts.Dev != nil {
		gopts.App, gopts.DevBackend, banner = opts.Dev.App, opts.Dev.Backend, opts.Dev.Banner
	}
	if cf.checkConfig {
		return checkConfig(name, cfg, gopts, stdout, stderr)
	}
	log, err := newLogger(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	defer func() { _ = log.Sync() }()
	applyGOMAXPROCS(log, lookupEnv, cfg.BcryptWorkers)
	if cfg.RedisURL != "" {
		routeRedisLogs(log)
	}
	gopts.Logger = log
	g, err := gateway.New(cfg, gopts)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if banner != nil {
		g.OnStart(func(url string) { banner(stdout, url) })
	}
	if err := g.Run(ctx); err != nil {
		log.Error("gateway stopped", zap.Error(err))
		return 1
	}
	return 0
}

// checkConfig prints the configuration (environment names as keys, values
// as the settings spell them, secrets redacted), then validates it all:
// values, key files, the function spec and the passthrough patterns.
func checkConfig(name string, cfg gateway.Config, opts gateway.Options, stdout, stderr io.Writer) int {
	out, _ := json.MarshalIndent(printable(&cfg), "", "  ")
	fmt.Fprintf(stdout, "%s\n", out)
	g, err := gateway.New(cfg, opts)
	if err == nil {
		err = g.Check()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	fmt.Fprintln(stdout, "configuration OK")
	return 0
}
