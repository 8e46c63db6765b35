package convextest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/backend"
)

// Handler implements one Convex function. It returns the function's value
// (any Go value convexclient.Marshal accepts; nil means null) or an error:
// a *Error from ConvexError becomes a ConvexError with errorData, a
// ValidationError becomes "ArgumentValidationError: ...", and any other
// error becomes "Uncaught Error: <message>".
type Handler func(ctx context.Context, call *Call) (any, error)

// AuthKind is the kind of credential a request carried.
type AuthKind string

// Credential kinds as recorded and as seen by handlers.
const (
	AuthNone   AuthKind = "none"   // no Authorization header
	AuthUser   AuthKind = "user"   // Bearer JWT
	AuthAdmin  AuthKind = "admin"  // Convex <deploy key>
	AuthActing AuthKind = "acting" // Convex <deploy key>:<base64 identity>
)

// FuncOption configures a registered function.
type FuncOption func(*funcOptions)

type funcOptions struct {
	vis       convexclient.Visibility
	component string
}

// Internal marks a function internal: callable only with the deploy key
// (plain or acting as a user); other callers get the same answer as for a
// missing function.
func Internal() FuncOption { return func(o *funcOptions) { o.vis = convexclient.Internal } }

// InComponent registers the function in the component at path (e.g.
// "waitlist", or "a/b" for a nested component) instead of the root app.
// Component functions are reached only through /api/function with its
// componentPath (and the deploy key), as on Convex. It panics at
// registration if path is not component names separated by '/'.
func InComponent(path string) FuncOption { return func(o *funcOptions) { o.component = path } }

// Function is a registered Convex function.
type Function struct {
	Kind       convexclient.Kind
	Visibility convexclient.Visibility
	Handler    Handler
}

// Options configure a Deployment. The zero value is usable: no deploy key is
// accepted and Bearer tokens get 401 NoAuthProvider.
type Options struct {
	// AdminKey is the deploy key accepted in "Authorization: Convex <key>".
	// A "prod:"/"dev:"/"preview:" type prefix is ignored on both sides, as
	// the backend does. Empty means every deploy key is rejected (401).
	AdminKey string
	// VerifyToken verifies a Bearer JWT and returns the caller's identity.
	// An *AuthError result sets the 401 answer's code and message; any
	// other error gives 401 InvalidAuthHeader. Nil means no auth provider
	// is configured (401 NoAuthProvider). See JWKSVerifier.
	VerifyToken func(token string) (*convexclient.Identity, error)
	// MaxRecordedCalls bounds the calls kept for Calls. Zero keeps every
	// call (tests); a positive value keeps the most recent ones; a negative
	// value records none. Long-running servers (dev mode, benchmarks) set
	// it, or memory grows with every call.
	MaxRecordedCalls int
	// Now is the deployment's clock, for snapshot timestamps and their
	// retention. Nil means time.Now.
	Now func() time.Time
	// SnapshotRetention is how old a /api/query_at_ts timestamp may be
	// before it is answered 503 (out of retention). Zero means
	// DefaultSnapshotRetention (10 s, the self-hosted backend's window).
	SnapshotRetention time.Duration
}

// Deployment is a fake Convex deployment: an http.Handler serving the Convex
// HTTP API from Go handlers, enforcing what the real backend enforces and
// answering byte for byte like it. Safe for concurrent use; functions may
// be registered while it serves. The zero value is an empty deployment with
// zero Options.
type Deployment struct {
	opts Options

	mu        sync.RWMutex
	funcs     map[string]Function // canonical "module:function" (root) or "<component>\x00module:function"
	calls     []RecordedCall
	faults    map[string]*faultState
	snapshots map[uint64]*snapshotMemo // by timestamp

	writeMu               sync.RWMutex // writes hold it shared, a batch exclusively
	tsMu                  sync.Mutex
	lastWrite, lastIssued uint64 // timestamps (Unix ns)

	inFlight atomic.Int64
}

// NewDeployment returns a deployment with no functions.
func NewDeployment(opts Options) *Deployment {
	return &Deployment{opts: opts, funcs: map[string]Function{}, faults: map[string]*faultState{}}
}

// Register registers fn at path ("module:function", "module.js:function" or
// "module" for the default export), replacing any earlier registration.
func (d *Deployment) Register(path string, fn Function) error {
	fp, err := backend.ParsePath(path)
	if err != nil {
		return err
	}
	if fn.Handler == nil || fn.Kind.SpecName() == "" {
		return fmt.Errorf("convextest: register %s: missing handler or kind", path)
	}
	d.mu.Lock()
	if d.funcs == nil {
		d.funcs = map[string]Function{}
	}
	d.funcs[fp.String()] = fn
	d.mu.Unlock()
	return nil
}

func (d *Deployment) register(kind convexclient.Kind, path string, h Handler, opts []FuncOption) {
	var o funcOptions
	for _, opt := range opts {
		opt(&o)
	}
	fn := Function{Kind: kind, Visibility: o.vis, Handler: h}
	var err error
	if o.component == "" {
		err = d.Register(path, fn)
	} else {
		err = d.registerIn(o.component, path, fn)
	}
	if err != nil {
		panic(err) // like http.HandleFunc: a bad registration is a programming error
	}
}

// registerIn registers fn in a component.
func (d *Deployment) registerIn(component, path string, fn Function) error {
	if err := backend.CheckComponentPath(component); err != nil {
		return fmt.Errorf("convextest: register %s in component %q: %w", path, component, err)
	}
	fp, err := backend.ParsePath(path)
	if err != nil {
		return err
	}
	if fn.Handler == nil || fn.Kind.SpecName() == "" {
		return fmt.Errorf("convextest: register %s: missing handler or kind", path)
	}
	d.mu.Lock()
	if d.funcs == nil {
		d.funcs = map[string]Function{}
	}
	d.funcs[component+"\x00"+fp.String()] = fn
	d.mu.Unlock()
	return nil
}

// lookup finds a function by canonical path in a component ("" = root).
func (d *Deployment) lookup(component, canonical string) (Function, bool) {
	key := canonical
	if component != "" {
		key = component + "\x00" + canonical
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	fn, ok := d.funcs[key]
	return fn, ok
}

// Query registers a query handler at path ("module:function"). It panics if
// path is malformed or h is nil.
func (d *Deployment) Query(path string, h Handler, opts ...FuncOption) {
	d.register(convexclient.KindQuery, path, h, opts)
}

// Mutation registers a mutation handler. It panics if path is malformed or h is nil.
func (d *Deployment) Mutation(path string, h Handler, opts ...FuncOption) {
	d.register(convexclient.KindMutation, path, h, opts)
}

// Action registers an action handler. It panics if path is malformed or h is nil.
func (d *Deployment) Action(path string, h Handler, opts ...FuncOption) {
	d.register(convexclient.KindAction, path, h, opts)
}

// Lookup returns the function registered at path (any accepted spelling).
func (d *Deployment) Lookup(path string) (Function, bool) {
	fp, err := backend.ParsePath(path)
	if err != nil {
		return Function{}, false
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	fn, ok := d.funcs[fp.String()]
	return fn, ok
}

// Paths returns the canonical paths of the root component's registered
// functions, sorted.
func (d *Deployment) Paths() []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]string, 0, len(d.funcs))
	for p := range d.funcs {
		if !strings.Contains(p, "\x00") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// InFlight returns the number of calls being answered right now (including
// hung and delayed ones), for tests that wait for a call to arrive.
func (d *Deployment) InFlight() int { return int(d.inFlight.Load()) }

// RecordedCall is one request the deployment received on a function
// endpoint (one per query of a batch; /api/query_ts is not recorded).
// Endpoint is the route (an Endpoint constant), Path is canonical ("" when
// unparseable), Component the /api/function componentPath, Args the
// canonical args object (nil when invalid), Subject the identity subject
// (user or acting), Status the HTTP status answered (0 for an injected
// reset or hang; a batch's queries share the batch's status).
type RecordedCall struct {
	Endpoint  string
	Kind      convexclient.Kind // 0 for /api/run and /api/function
	Component string
	Path      string
	Args      []byte
	Auth      AuthKind
	Subject   string
	RequestID string
	Status    int
}

// Calls returns the calls received so far (at most Options.MaxRecordedCalls
// of the latest when that is positive), oldest first.
func (d *Deployment) Calls() []RecordedCall {
	d.mu.RLock()
	defer d.mu.RUnlock()
	calls := d.calls
	if m := d.opts.MaxRecordedCalls; m > 0 && len(calls) > m {
		calls = calls[len(calls)-m:]
	}
	return append([]RecordedCall(nil), calls...)
}

// ClearCalls forgets the recorded calls.
func (d *Deployment) ClearCalls() {
	d.mu.Lock()
	d.calls = nil
	d.mu.Unlock()
}

// Reset forgets recorded calls and removes injected faults; registered
// functions stay.
func (d *Deployment) Reset() {
	d.mu.Lock()
	d.calls = nil
	d.faults = map[string]*faultState{}
	d.mu.Unlock()
}

// record appends c. With a bound, the slice may hold up to twice
// MaxRecordedCalls before the oldest are dropped, so trimming is amortised
// O(1) per call.
func (d *Deployment) record(c RecordedCall) {
	m := d.opts.MaxRecordedCalls
	if m < 0 {
		return
	}
	d.mu.Lock()
	d.calls = append(d.calls, c)
	if m > 0 && len(d.calls) >= 2*m {
		n := copy(d.calls, d.calls[len(d.calls)-m:])
		clear(d.calls[n:])
		d.calls = d.calls[:n]
	}
	d.mu.Unlock()
}
