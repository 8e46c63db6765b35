// Package convexclient is a Convex HTTP API client for Go servers: lossless
// value encoding, typed function bindings, credentials per call, lazy
// configuration, retries, circuit breakers and bounded load.
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
// cmd/convexgen writes these declarations from `npx convex function-spec`
// output: a struct per object validator, Optional[T] for optional fields,
// union types implementing ValueMarshaler and ValueUnmarshaler, and a
// NewBindings(r) that registers them all. Registry.CheckSpec compares
// bindings with the spec down to the field (CheckTypes), and Unmarshal is
// strict: a result lacking a required field fails the call and names it.
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
// ErrNotConfigured (*ConfigError), ErrUnavailable (*UnavailableError: a
// breaker open, the call shed, or the backend overloaded), ErrTimeout, or
// are an *HTTPError or *NetworkError. A mutation or action that failed after
// its request was sent (timeout, cancellation, broken connection) also
// matches ErrOutcomeUnknown: it may have committed, so it is never retried
// blindly. Temporary says which errors are worth retrying (TemporaryIdempotent
// for idempotent calls). No error, and no fmt verb applied to a Config,
// Credential or Client, ever shows the deploy key or a user token.
//
// # Resilience
//
// Calls run in four lanes, each with its own circuit breaker and in-flight
// limit, so that what must not take each other down stays apart:
//
//	lane        calls                                  in flight  timeout
//	query       foreground queries                     64         10s (Config.Timeout)
//	mutation    foreground mutations                   32         10s (Config.Timeout)
//	action      foreground actions                     16         15 min
//	background  every call marked WithBackground       8          as its kind
//
// Client.State (and Config.OnStateChange) report the query breaker, the one
// reads and logins depend on; Client.Breakers and Config.OnBreakerChange
// cover all four. A background call also fails fast while the foreground
// breaker of its kind is open, without counting toward it.
//
// Admission: a call first passes its lane's breaker (open: fail fast with
// ErrUnavailable, Retry-After the remaining open time), then waits for a slot
// at most LimitSettings.MaxWait (100ms), outside its timeout; a call that
// gets no slot is shed with ErrUnavailable (Retry-After 1s) instead of
// queueing into a timeout, so goroutines and connections stay bounded while
// the backend is slow or hangs, and a call whose deadline passed while it
// waited is never sent. The call's timeout (TimeoutSettings, or WithTimeout
// for one call, which may lengthen it; an earlier context deadline wins)
// starts once it holds a slot, and the slot is held across its retries.
//
// Retries: queries are retried with exponential back-off and full jitter on
// network errors, 429 and 503; mutations and actions only when the
// connection could not be made (the request surely never left).
//
// Breakers count outages only: network errors, the client's own timeouts,
// 429, and 5xx without a function result. A function error (HTTP 200 with
// status "error", or the legacy HTTP 560 with a function result) is the
// backend working; the caller's own cancellation or deadline and shed calls
// are not counted, and one call counts once whatever its retries. A task
// retried by its caller marks its attempts (WithAttempt) and counts once
// too. A breaker opens when at least 80% of at least 20 calls counted over a
// rolling 10s window failed, so a backend failing 10% or 50% of its calls is
// seen by callers as failing 10% or 50%, not 100%. After 1s open it lets one
// probe through; the first success closes it (BreakerSettings).
//
// Values follow Convex's encoding: Go int64 (and Int64) travel as
// {"$integer":...}, []byte as {"$bytes":...}, NaN/±Inf/-0 as {"$float":...};
// see Marshal and Unmarshal. Arguments are checked against Convex's limits
// while they are encoded (MarshalArgs: 8192 array elements, 1024 object
// fields, nesting 63), so a call beyond them fails at once with
// ErrInvalidValue instead of a function error from the backend.
package convexclient
