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
// see Marshal and Unmarshal.
package convexclient
