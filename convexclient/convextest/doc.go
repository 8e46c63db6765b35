// Package convextest is a fake Convex deployment for tests and local
// development, in the spirit of net/http/httptest.
//
// A Deployment serves the Convex HTTP API (POST /api/query, /api/mutation,
// /api/action, /api/run/..., /api/function, /api/query_ts,
// /api/query_at_ts, /api/query_batch) from Go handlers registered per
// function path (root or, with InComponent, a component), and answers byte
// for byte like the real backend: compact JSON, sorted keys, integral
// floats as 42.0, logLines only when present, errorData only for
// ConvexErrors, "[Request ID: <id>] Server Error\n..." messages, and the
// backend's HTTP-level errors ({"code","message"}) with its texts and in
// its order for a bad Convex-Client version (with the deprecation
// headers), Authorization header, Content-Type or body, function path,
// deploy key, JWT, snapshot timestamp or format. Internal functions are
// invisible to callers without the deploy key. Snapshot timestamps follow
// an injectable clock (Options.Now) with the backend's 10 s retention.
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
// wrap a Deployment. JWKSVerifier (a JWKS document) and JWKSURLVerifier (a
// JWKS URL, fetched and cached like Convex does) build an
// Options.VerifyToken that checks JWTs with Convex's customJwt rules.
package convextest
