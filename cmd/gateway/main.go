// Command gateway runs the Convex-compatible backend gateway.
//
//	go run ./cmd/gateway -dev          # embedded dev backend, demo accounts
//	gateway -check-config              # validate the environment and exit
//	gateway -healthcheck               # container health check
//
// Every setting is an environment variable with a matching flag; see -help.
package main

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

	"github.com/convexgw/convexgw/examples/demo/devbackend"
	"github.com/convexgw/convexgw/gateway"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts the graceful shutdown, restore the
	// default handling: a second Ctrl-C kills the process at once.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.LookupEnv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, lookupEnv func(string) (string, bool), stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, cf, err := loadConfig(args, lookupEnv, fs)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 2
	}
	if cf.healthcheck {
		return healthcheck(ctx, cfg.ListenAddr, stderr)
	}
	if cf.checkConfig {
		return checkConfig(cfg, stdout, stderr)
	}
	log, err := newLogger(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 2
	}
	defer func() { _ = log.Sync() }()
	applyGOMAXPROCS(log, lookupEnv, cfg.BcryptWorkers)
	g, err := gateway.New(cfg, gateway.Options{Logger: log})
	if err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 2
	}
	if cfg.Dev {
		g.OnStart(func(url string) { printDevBanner(stdout, url) })
	}
	if err := g.Run(ctx); err != nil {
		log.Error("gateway stopped", zap.Error(err))
		return 1
	}
	return 0
}

// checkConfig validates cfg and prints it as JSON with secrets redacted.
func checkConfig(cfg gateway.Config, stdout, stderr io.Writer) int {
	out, _ := json.MarshalIndent(cfg, "", "  ")
	fmt.Fprintf(stdout, "%s\n", out)
	if _, err := gateway.New(cfg, gateway.Options{}); err != nil {
		fmt.Fprintf(stderr, "gateway: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "configuration OK")
	return 0
}

func printDevBanner(w io.Writer, url string) {
	fmt.Fprintf(w, "\n  convexgw DEV MODE — not for production (ephemeral keys, in-memory demo data)\n")
	fmt.Fprintf(w, "  gateway: %s\n\n  demo accounts:\n", url)
	for _, a := range devbackend.DemoAccounts() {
		note := ""
		if !a.Active {
			note = "  (inactive: login refused)"
		}
		fmt.Fprintf(w, "    %-20s %-20s %-8s%s\n", a.Email, a.Password, a.Role, note)
	}
	fmt.Fprintf(w, "\n  try:\n    curl -i -c jar -H 'Content-Type: application/json' \\\n"+
		"      -d '{\"email\":\"admin@demo.test\",\"password\":\"demo-admin-pass\"}' %s/api/auth/login\n\n", url)
}
