// Command gateway runs the Convex-compatible backend gateway.
//
//	go run ./cmd/gateway -dev          # the demo app on its embedded dev backend
//	gateway                            # the gateway for CONVEX_URL (auth, passthrough for PASSTHROUGH_EXPOSE)
//	gateway -check-config              # validate the configuration and exit
//	gateway -healthcheck               # container health check
//
// Every setting is an environment variable with a matching flag; see -h.
// Without -dev no demo route is registered: the gateway serves auth,
// health, the identity documents and the passthrough for the functions the
// operator exposes. Apps that need their own routes build their own binary
// with package gatewaycmd (see the README).
//
// With -dev the demo serves its web front end at /. DEMO_WEB_VENDOR_DIR,
// if set, is a directory served at /vendor/ (the Convex client bundle its
// live page imports; see examples/demo/web/README.md).
package main

import (
	"os"

	"github.com/convexgw/convexgw/cmd/gatewaycmd"
	"github.com/convexgw/convexgw/examples/demo"
)

func main() {
	app := demo.NewWith(demo.Options{WebVendorDir: os.Getenv("DEMO_WEB_VENDOR_DIR")})
	gatewaycmd.Main(gatewaycmd.Options{
		Dev: &gatewaycmd.Dev{App: app, Backend: demo.DevBackend, Banner: demo.Banner},
	})
}
