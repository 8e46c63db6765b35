// Command convexfake serves a fake Convex deployment for development and
// records the cassettes the tests replay. Exactly one mode:
//
//	convexfake -dev [-addr A] [-jwks-url URL -issuer ISS [-application-id ID]]
//	    the dev backend (examples/demo/devbackend: the demo app's functions
//	    emulated in Go, with the demo seed); deploy key from
//	    CONVEX_DEPLOY_KEY, else a random one that is printed. With
//	    -jwks-url and -issuer it trusts Bearer JWTs as a Convex customJwt
//	    provider would (e.g. a locally run gateway's
//	    http://127.0.0.1:8080/.well-known/jwks.json, issuer
//	    http://127.0.0.1:8080).
//	convexfake -cassettes DIR [-addr A] [-repeat]
//	    strict replay of every cassette in DIR; an unrecorded request gets
//	    404 {"code":"UnrecordedRequest"} naming the nearest recording.
//	convexfake -record -upstream URL [-out DIR] [-scenario a,b] [-no-reset]
//	    runs the scenarios through a recording proxy in front of URL and
//	    writes DIR/<scenario>.json. Deploy key from CONVEX_DEPLOY_KEY, else
//	    CONVEX_RUNNER_ADMIN_KEY, else "runner-admin-key" (the local
//	    runner's default). -no-reset is for a real deployment: no
//	    /__reset, and ids/times/cursors are mapped to placeholders.
//	convexfake -record -proxy -upstream URL -scenario NAME [-addr A] [-out DIR] [-no-reset]
//	    serves the recording proxy itself on -addr (point the gateway's
//	    CONVEX_URL at it; any key works, the proxy sends the real one) and
//	    writes DIR/NAME.json when stopped (SIGINT/SIGTERM).
//	convexfake -list
//	    prints the scenarios.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "convexfake:", err)
		}
		os.Exit(2)
	}
}

// options are the parsed flags.
type options struct {
	dev, record, list, noReset, repeat bool
	proxy                              bool
	cassettes, upstream, out, scenario string
	addr, normalize                    string
	jwksURL, issuer, applicationID     string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("convexfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.dev, "dev", false, "serve the dev backend (demo app emulated in Go)")
	fs.StringVar(&o.cassettes, "cassettes", "", "serve strict replay of the cassettes in `DIR`")
	fs.BoolVar(&o.repeat, "repeat", false, "with -cassettes: answer used-up requests with their last recording again")
	fs.BoolVar(&o.record, "record", false, "record the scenarios from -upstream into -out")
	fs.StringVar(&o.upstream, "upstream", "", "with -record: the upstream deployment `URL`")
	fs.StringVar(&o.out, "out", "examples/demo/testdata/cassettes", "with -record: cassette `DIR`")
	fs.StringVar(&o.scenario, "scenario", "", "with -record: comma-separated scenario `names` (default all)")
	fs.BoolVar(&o.proxy, "proxy", false, "with -record: serve the recording proxy on -addr instead of running scenarios")
	fs.BoolVar(&o.noReset, "no-reset", false, "with -record: real deployment (no /__reset; normalise ids and times)")
	fs.StringVar(&o.normalize, "normalize", "auto", "with -record: auto (off with reset, map with -no-reset), off or map")
	fs.BoolVar(&o.list, "list", false, "list the scenarios")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:3210", "listen `address` for -dev and -cassettes")
	fs.StringVar(&o.jwksURL, "jwks-url", "", "with -dev: trust JWTs signed by the keys at this JWKS `URL` (with -issuer)")
	fs.StringVar(&o.issuer, "issuer", "", "with -dev and -jwks-url: the tokens' `issuer`")
	fs.StringVar(&o.applicationID, "application-id", "convex", "with -jwks-url: the audience `ID` tokens must carry (\"\" for none)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	modes := 0
	for _, on := range []bool{o.dev, o.cassettes != "", o.record, o.list} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return o, errors.New("choose exactly one of -dev, -cassettes DIR, -record, -list")
	}
	if o.record && o.upstream == "" {
		return o, errors.New("-record needs -upstream URL")
	}
	if o.proxy && !o.record {
		return o, errors.New("-proxy only goes with -record")
	}
	if o.proxy && !loopbackAddr(o.addr) {
		// Every request through the proxy runs with the real deploy key.
		return o, fmt.Errorf("-proxy serves with the deploy key: -addr must be a loopback address, not %q", o.addr)
	}
	switch o.normalize {
	case "auto", "off", "map":
	default:
		return o, fmt.Errorf("-normalize must be auto, off or map, not %q", o.normalize)
	}
	if (o.jwksURL == "") != (o.issuer == "") {
		return o, errors.New("-jwks-url and -issuer go together")
	}
	if o.jwksURL != "" && !o.dev {
		return o, errors.New("-jwks-url only goes with -dev")
	}
	return o, nil
}

// verifier is the dev backend's token verifier: a customJwt provider over
// -jwks-url, or none.
func (o options) verifier() func(string) (*convexclient.Identity, error) {
	if o.jwksURL == "" {
		return nil
	}
	return convextest.JWKSURLVerifier(convextest.JWKSURLOptions{URL: o.jwksURL, Issuer: o.issuer, ApplicationID: o.applicationID})
}

func (o options) normalizeMode() convextest.NormalizeMode {
	if o.normalize == "map" || (o.normalize == "auto" && o.noReset) {
		return convextest.NormalizeMap
	}
	return convextest.NormalizeOff
}

// run executes one mode until it finishes or ctx is cancelled.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := zap.New(zapcore.NewCore(
		zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.AddSync(stderr), zap.InfoLevel)).Named("convexfake")
	defer func() { _ = log.Sync() }()
	switch {
	case o.list:
		for _, sc := range scenarios() {
			fmt.Fprintf(stdout, "%-14s %s\n", sc.name, sc.description)
		}
		return nil
	case o.record:
		key := firstNonEmpty(getenv("CONVEX_DEPLOY_KEY"), getenv("CONVEX_RUNNER_ADMIN_KEY"), "runner-admin-key")
		if o.noReset && getenv("CONVEX_DEPLOY_KEY") == "" {
			return errors.New("-no-reset (a real deployment) needs CONVEX_DEPLOY_KEY in the environment")
		}
		cfg := recordConfig{
			upstream: o.upstream, deployKey: key, out: o.out, scenarios: o.scenario,
			reset: !o.noReset, normalize: o.normalizeMode(), log: log,
		}
		if o.proxy {
			return recordProxy(ctx, cfg, o.addr, stdout)
		}
		return record(ctx, cfg)
	case o.cassettes != "":
		return serveCassettes(ctx, o, stdout, log)
	default:
		key := getenv("CONVEX_DEPLOY_KEY")
		if key == "" {
			key = "dev:" + randomHex(16)
			fmt.Fprintf(stdout, "deploy key (dev only): %s\n", key)
		}
		return serveDev(ctx, o.addr, key, o.verifier(), stdout, log)
	}
}

// loopbackAddr reports whether addr (host:port) names a loopback host.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
