package devbackend

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// RunnerClockStartMS is where the runner clock starts, in Unix ms
// (2026-01-01T00:00:00Z): the Node runner's CLOCK_START_MS.
const RunnerClockStartMS = 1767225600000

// runnerClockStep is the Node runner's CLOCK_STEP_MS.
const runnerClockStep = 1000

// Options configure a Backend. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now. Handlers read it once per call
	// (Date.now() in the TypeScript code). Ignored with RunnerClock.
	Now func() time.Time
	// RunnerClock replaces Now by the Node runner's deterministic clock:
	// the seed is loaded at RunnerClockStartMS and every call whose args
	// decode advances it by one second before it runs. With ConvexTestIDs
	// too, a Backend answers with the same ids, times and cursors as the
	// recordings.
	RunnerClock bool
	// NewID returns the id of a new document of table; nil means the
	// generator IDs selects. Custom ids must be unique. It is also called
	// for the _scheduled_functions document convex-test stores per
	// runAfter, and runs under the Backend's lock (it must not call back).
	NewID func(table string) string
	// IDs selects the id format when NewID is nil; the zero value is
	// ConvexIDs.
	IDs IDStyle
	// Logger receives debug logs of failed calls; nil means zap.NewNop().
	// Secrets (password hashes) are never logged.
	Logger *zap.Logger
}

// Backend is the emulated deployment state plus the function handlers. It is
// safe for concurrent use: every function call runs under one mutex, like a
// serialised Convex transaction.
type Backend struct {
	now         func() time.Time
	runnerClock bool
	log         *zap.Logger
	newID       func(s *store, table string) string
	seed        []byte

	mu      sync.Mutex
	db      *store
	refs    map[string]string
	clockMs float64 // runner clock, when runnerClock
}

// New returns a Backend loaded with the embedded demo seed. It does no I/O.
// It panics only if the embedded seed is corrupt (the package's tests rule
// that out) or opts.IDs is not a known IDStyle.
func New(opts Options) *Backend {
	b, err := NewFromSeed(opts, seedJSON)
	if err != nil {
		panic(err)
	}
	return b
}

// NewFromSeed returns a Backend loaded with seed (the seed.json format).
func NewFromSeed(opts Options, seed []byte) (*Backend, error) {
	b := &Backend{now: opts.Now, runnerClock: opts.RunnerClock, log: opts.Logger}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = zap.NewNop()
	}
	b.log = b.log.Named("devbackend")
	newID, err := opts.newID()
	if err != nil {
		return nil, err
	}
	b.newID, b.seed = newID, append([]byte(nil), seed...)
	if err := b.reset(); err != nil {
		return nil, err
	}
	return b, nil
}

// reset loads the seed into a new store; the caller holds mu or owns b.
func (b *Backend) reset() error {
	db := newStore(b.newID)
	start := nowMs(b.now())
	if b.runnerClock {
		start = RunnerClockStartMS
	}
	refs, err := db.load(b.seed, start)
	if err != nil {
		return err
	}
	b.db, b.refs, b.clockMs = db, refs, start
	return nil
}

// Reset drops all data and reloads the seed, restarting the id counter (and
// the runner clock): the state of a fresh Backend. It returns the ids of
// the seed's named ("$ref") documents, like the Node runner's /__reset. A
// custom Options.NewID is not reset.
func (b *Backend) Reset() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.reset(); err != nil {
		// The seed already loaded once when the Backend was made.
		panic(err)
	}
	return maps.Clone(b.refs)
}

// Refs returns the ids of the seed's named ("$ref") documents, e.g.
// Refs()["admin"] is the demo admin's user id.
func (b *Backend) Refs() map[string]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.refs)
}

func nowMs(t time.Time) float64 { return float64(t.UnixMilli()) }

// Register adds every function of the demo app to d: public functions, and
// the internal ones (auth:*, notifications:create) as internal.
func (b *Backend) Register(d *convextest.Deployment) {
	for _, f := range b.functions() {
		var opts []convextest.FuncOption
		if f.internal {
			opts = append(opts, convextest.Internal())
		}
		h := b.handler(f)
		switch f.kind {
		case convexclient.KindQuery:
			d.Query(f.path, h, opts...)
		case convexclient.KindMutation:
			d.Mutation(f.path, h, opts...)
		}
	}
}

// Deployment returns a new deployment with every function registered.
func (b *Backend) Deployment(opts convextest.Options) *convextest.Deployment {
	d := convextest.NewDeployment(opts)
	b.Register(d)
	return d
}

// Functions lists the registered function paths, sorted.
func (b *Backend) Functions() []string {
	var out []string
	for _, f := range b.functions() {
		out = append(out, f.path)
	}
	slices.Sort(out)
	return out
}

// function is one emulated Convex function.
type function struct {
	path     string
	kind     convexclient.Kind
	internal bool
	args     *validator
	run      func(c *callCtx) (any, error)
}

// callCtx is what a function body sees: its validated args, the clock
// value of this call, the caller's identity and the store.
type callCtx struct {
	args     *object
	now      float64
	identity *convexclient.Identity
	db       *store
	// after holds work scheduled with runAfter(0): run once the mutation
	// succeeded, at the same clock value.
	after []func()
}

// handler adapts f to a convextest.Handler: decode, tick the clock,
// validate, run under the lock, then run scheduled work.
func (b *Backend) handler(f function) convextest.Handler {
	return func(_ context.Context, call *convextest.Call) (any, error) {
		raw, err := decodeArgs(call.Args)
		if err != nil {
			return nil, fmt.Errorf("devbackend: args of %s: %w", f.path, err)
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		now := nowMs(b.now())
		if b.runnerClock {
			b.clockMs += runnerClockStep
			now = b.clockMs
		}
		if err := f.args.validate(raw, b.db.tableOf); err != nil {
			return nil, toDeploymentError(err)
		}
		c := &callCtx{args: raw.(*object), now: now, identity: call.Identity, db: b.db}
		v, err := f.run(c)
		if err != nil {
			b.log.Debug("call failed", zap.String("path", f.path), zap.Error(err))
			return nil, toDeploymentError(err)
		}
		for _, fn := range c.after {
			fn()
		}
		return v, nil
	}
}

// toDeploymentError turns the emulation's errors into what convextest
// answers with.
func toDeploymentError(err error) error {
	var ce *convexError
	if errors.As(err, &ce) {
		return convextest.ConvexError(ce)
	}
	var ve *argError
	if errors.As(err, &ve) {
		return convextest.ValidationError("%s", ve.Details)
	}
	return err
}

// functions lists every emulated function of the demo app.
func (b *Backend) functions() []function {
	var fs []function
	for _, group := range [][]function{
		userFunctions(),
		taskFunctions(),
		notificationFunctions(),
		beneficiaryFunctions(),
		donationFunctions(),
		meetingFunctions(),
	} {
		fs = append(fs, group...)
	}
	return fs
}
