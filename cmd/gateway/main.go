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
package main

import (
	"github.com/convexgw/convexgw/cmd/gatewaycmd"
	"github.com/convexgw/convexgw/examples/demo"
)

func main() {
	gatewaycmd.Main(gatewaycmd.Options{
		Dev: &gatewaycmd.Dev{App: demo.New(), Backend: demo.DevBackend, Banner: demo.Banner},
	})
}
