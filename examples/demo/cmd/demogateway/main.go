// Command demogateway is the demo app built as its own gateway binary, the
// way an app adopts the gateway as a Go library: the gateway's command
// (package gatewaycmd, every setting as an environment variable and a flag)
// with the demo's bindings and REST routes always on. Point it at a
// deployment of examples/demo/convex (CONVEX_URL, CONVEX_DEPLOY_KEY), or run
// it with -dev on the embedded dev backend, like `cmd/gateway -dev`.
package main

import (
	"github.com/convexgw/convexgw/cmd/gatewaycmd"
	"github.com/convexgw/convexgw/examples/demo"
)

func main() {
	app := demo.New()
	gatewaycmd.Main(gatewaycmd.Options{
		Name: "demogateway",
		App:  app,
		Dev:  &gatewaycmd.Dev{App: app, Backend: demo.DevBackend, Banner: demo.Banner},
	})
}
