// Package convextest is a fake Convex deployment for tests and local
// development, in the spirit of net/http/httptest.
//
// A Deployment serves the Convex HTTP API (POST /api/query, /api/mutation,
// /api/action, /api/run/..., /api/function) from Go handlers registered per
// function path, and answers byte for byte like the real backend: compact
// JSON, sorted keys, integral floats as 42.0, logLines only when present,
// errorData only for ConvexErrors, "[Request ID: <id>] Server Error\n..."
// messages, and the backend's HTTP-level errors ({"code","message"}) for a
// bad Content-Type, body, Authorization header, deploy key, JWT or format.
// Internal functions are invisible to callers without the deploy key.
//
// Every request is recorded (Calls) and faults can be injected per function
// (Inject): latency, an HTTP status such as 503 or 429, a connection reset,
// or a hang.
//
//	d := convextest.NewDeployment(convextest.Options{AdminKey: "dev:test|key"})
//	d.Query("tasks:list", func(ctx context.Context, c *convextest.Call) (any, error) {
//		var args struct{ Status string `json:"status"` }
//		if err := c.Bind(&args); err != nil {
//			return nil, err
//		}
//		c.Logf("listing %s", args.Status)
//		return []map[string]any{{"title": "a", "status": args.Status}}, nil
//	})
//	srv := convextest.NewServer(d)
//	defer srv.Close()
//	// Point a client at srv.URL, e.g. convexclient.New(convexclient.Config{URL: srv.URL}).
//
// Do exposes the same enforcement without HTTP parsing, for servers that
// wrap a Deployment. JWKSVerifier builds an Options.VerifyToken that checks
// JWTs with Convex's customJwt rules.
package convextest
