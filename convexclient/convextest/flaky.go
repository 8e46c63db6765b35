package convextest

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/convexgw/convexgw/convexclient/backend"
)

// FlakyOptions configure a Flaky handler.
type FlakyOptions struct {
	// Rate is the share of matching requests that fail, in [0, 1]; 0 lets
	// everything through, 1 fails everything (a backend that is down).
	Rate float64
	// Status is the HTTP status of a failed request, answered with the
	// backend's {"code","message"} body (e.g. 500 InternalServerError, 502,
	// 503, 429). Zero means 500.
	Status int
	// Legacy560 answers a failed request as old backends answered a function
	// that threw: HTTP 560 with a function-error body
	// {"status":"error","errorMessage":"..."}. The backend is working; the
	// function failed. Status is ignored.
	Legacy560 bool
	// Reset drops the connection of a failed request instead (a TCP reset).
	Reset bool
	// Endpoints limits the failures to these paths (EndpointQuery, ...);
	// empty means every request.
	Endpoints []string
	// Seed seeds the choice of failing requests: with the same seed, the
	// same sequence of requests fails the same way (the choice is made in
	// arrival order, so sequential callers get reproducible runs).
	Seed uint64
}

// Flaky wraps a handler (usually a *Deployment) and fails a share of the
// requests before they reach it, the way a sick backend or the proxy in
// front of it does: an HTTP-level error, a legacy 560 function error, or a
// reset connection. Failed requests are not recorded by the Deployment;
// Failed and Passed count them. Safe for concurrent use; SetRate changes
// the rate while it serves (take a backend down and bring it back).
type Flaky struct {
	next http.Handler
	opts FlakyOptions

	mu   sync.Mutex // guards rng and rate
	rng  *rand.Rand
	rate float64

	failed, passed atomic.Int64
}

// NewFlaky returns next wrapped with the failures o describes.
func NewFlaky(next http.Handler, o FlakyOptions) *Flaky {
	if o.Status == 0 {
		o.Status = http.StatusInternalServerError
	}
	return &Flaky{next: next, opts: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), rate: o.Rate}
}

// SetRate sets the share of matching requests that fail from now on.
func (f *Flaky) SetRate(rate float64) {
	f.mu.Lock()
	f.rate = rate
	f.mu.Unlock()
}

// Failed is the number of requests failed so far.
func (f *Flaky) Failed() int { return int(f.failed.Load()) }

// Passed is the number of matching requests let through so far.
func (f *Flaky) Passed() int { return int(f.passed.Load()) }

// ServeHTTP fails the request or hands it to the wrapped handler.
func (f *Flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.matches(r.URL.Path) {
		f.next.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	fail := f.rate > 0 && f.rng.Float64() < f.rate
	f.mu.Unlock()
	if !fail {
		f.passed.Add(1)
		f.next.ServeHTTP(w, r)
		return
	}
	f.failed.Add(1)
	switch {
	case f.opts.Reset:
		resetConnection(w)
	case f.opts.Legacy560:
		rid := r.Header.Get("Convex-Request-Id")
		if rid == "" {
			rid = newRequestID()
		}
		out := &resultWriter{rid: rid}
		out.fail("Uncaught Error: Injected fault", nil)
		resp := out.finish("", false, backend.FormatEncoded)
		resp.Status = 560
		writeResponse(w, resp)
	default:
		code := strings.ReplaceAll(http.StatusText(f.opts.Status), " ", "")
		writeResponse(w, codeResponse(f.opts.Status, code, "Injected fault"))
	}
}

func (f *Flaky) matches(path string) bool {
	if len(f.opts.Endpoints) == 0 {
		return true
	}
	for _, e := range f.opts.Endpoints {
		if path == e || strings.HasPrefix(path, e+"/") {
			return true
		}
	}
	return false
}
