package demo

import (
	"fmt"
	"io"
	"net/http"

	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
	"github.com/convexgw/convexgw/gateway"
)

// DevBackend is the demo's embedded Convex backend for dev mode
// (gateway.Options.DevBackend): the Go emulation of its functions
// (package devbackend) on a convextest deployment, seeded with demo data.
// In jwt identity mode it verifies Bearer tokens against the gateway's
// JWKS, as Convex's customJwt provider does.
func DevBackend(env gateway.DevBackendEnv) (http.Handler, error) {
	opts := convextest.Options{AdminKey: env.DeployKey, MaxRecordedCalls: -1} // long-running: keep no call log
	if env.JWKS != nil {
		opts.VerifyToken = convextest.JWKSVerifier(env.JWKS, env.Issuer, "convex", env.Now)
	}
	backend := devbackend.New(devbackend.Options{Now: env.Now, Logger: env.Logger})
	return backend.Deployment(opts), nil
}

// Banner prints the dev-mode banner: the URL and the demo accounts.
func Banner(w io.Writer, url string) {
	fmt.Fprintf(w, "\n  convexgw DEV MODE — not for production (ephemeral keys, in-memory demo data)\n")
	fmt.Fprintf(w, "  gateway: %s\n  web UI:  %s/ (sign in with a demo account)\n\n  demo accounts:\n", url, url)
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
