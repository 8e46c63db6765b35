// Package convexclient is a Convex HTTP API client for Go servers: lossless
// value encoding, typed function bindings, credentials per call, lazy
// configuration, retries and a circuit breaker.
//
// # Declaring and calling functions
//
// Declare each Convex function once, with its Go argument and result types,
// in a Registry (the registry lets a gateway list the bindings and check them
// against `npx convex function-spec` at start-up):
//
//	var Functions = convexclient.NewRegistry()
//
//	type ListTasksArgs struct {
//		Status string `json:"status,omitempty"`
//		Limit  int    `json:"limit"`
//	}
//
//	type Task struct {
//		ID    string `json:"_id"`
//		Title string `json:"title"`
//	}
//
//	var (
//		ListTasks  = convexclient.NewQuery[ListTasksArgs, []Task](Functions, "tasks:list")
//		CountTasks = convexclient.NewQuery[struct{}, int64](Functions, "tasks:count")
//		CreateTask = convexclient.NewMutation[Task, string](Functions, "tasks:create", convexclient.Exposed())
//		// Internal functions are called with the deploy key by default.
//		GetUserHash = convexclient.NewQuery[struct{ Email string }, *string](Functions, "users:getPasswordHash", convexclient.Internal)
//	)
//
// Build one Client per deployment and reuse it; it is safe for concurrent use:
//
//	client := convexclient.NewLazy(func() (convexclient.Config, error) {
//		return convexclient.Config{URL: os.Getenv("CONVEX_URL"), DeployKey: os.Getenv("CONVEX_DEPLOY_KEY")}, nil
//	})
//	ctx = convexclient.WithCredential(ctx, convexclient.UserToken(jwt))
//	tasks, err := ListTasks.Call(ctx, client, ListTasksArgs{Limit: 20})
//
// # Reads that agree: Batch and Snapshot
//
// Independent calls may each see a different state of the database. Queries
// that must agree (a page and its total, a document and its children) run
// in a Batch: one POST /api/query_batch, all at one database timestamp.
// Each result is a value or a *FunctionError of its own; a refusal of the
// whole batch (a bad path, authentication) is the error of Run:
//
//	b := client.NewBatch()
//	page := convexclient.Add(b, ListTasks, ListTasksArgs{Limit: 20})
//	total := convexclient.Add(b, CountTasks, struct{}{})
//	if err := b.Run(ctx); err != nil {
//		return err
//	}
//	tasks, err := page.Get()
//
// A Snapshot does the same across requests: Client.Snapshot asks for the
// latest timestamp (POST /api/query_ts) and Query.CallAt reads at it (POST
// /api/query_at_ts), so reads made one after another, or concurrently,
// agree. The backend keeps about 10 s of history (self-hosted default); an
// older snapshot fails with ErrOutOfRetention:
//
//	snap, err := client.Snapshot(ctx)
//	tasks, err := ListTasks.CallAt(ctx, snap, ListTasksArgs{Limit: 20})
//	total, err := CountTasks.CallAt(ctx, snap, struct{}{})
//
// Run calls any function by path whatever its kind (POST /api/run/...), and
// Function calls functions of components with the deploy key (POST
// /api/function). The *Raw variants (CallRaw, BatchRaw, QueryTSRaw,
// QueryAtRaw, RunRaw, FunctionRaw) return the backend's bodies verbatim,
// for a passthrough.
//
// # Errors
//
// A function that throws gives a *FunctionError (the backend answers HTTP
// 200); ErrorData decodes a ConvexError's data. Other failures match
// ErrNotConfigured (*ConfigError), ErrUnavailable (*UnavailableError: breaker
// open or backend overloaded), ErrTimeout, or are an *HTTPError or
// *NetworkError. No error, and no fmt verb applied to a Config, Credential or
// Client, ever shows the deploy key or a user token.
//
// # Resilience
//
// Every call has a timeout (Config.Timeout, 10s; an earlier context deadline
// wins). Queries are retried with exponential back-off and full jitter on
// network errors, 429 and 503; mutations and actions only when the
// connection could not be made. One circuit breaker per Client counts
// outages (network errors, the client's own timeouts, 5xx, 429), never
// function errors or the caller's cancellation; while open, calls fail fast
// with ErrUnavailable.
//
// Values follow Convex's encoding: Go int64 (and Int64) travel as
// {"$integer":...}, []byte as {"$bytes":...}, NaN/±Inf/-0 as {"$float":...};
// see Marshal and Unmarshal. Arguments are checked against Convex's limits
// while they are encoded (MarshalArgs: 8192 array elements, 1024 object
// fields, nesting 63), so a call beyond them fails at once with
// ErrInvalidValue instead of a function error from the backend.
package convexclient
