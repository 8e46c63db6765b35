package convextest

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/convexgw/convexgw/convexclient/backend"
)

// Fault is injected misbehaviour for matching calls. Latency delays the call
// (then it proceeds, or the other fault applies); Status answers with that
// HTTP status and {"code","message"} instead of running the function; Reset
// drops the connection (a TCP reset); Hang blocks until the request's
// context ends (client gone or server closed). Times limits how many calls
// the fault affects; 0 means until ClearFaults or Reset.
type Fault struct {
	Latency time.Duration
	Status  int
	Code    string // default derived from Status, e.g. "ServiceUnavailable"
	Message string // default "Injected fault"
	Reset   bool
	Hang    bool
	Times   int
}

type faultState struct {
	f    Fault
	left int // remaining uses when f.Times > 0
}

// Inject installs a fault for path ("" = every function), replacing an
// earlier one for the same path. A path-specific fault takes precedence
// over the "" fault. It panics on a malformed path.
func (d *Deployment) Inject(path string, f Fault) {
	key := ""
	if path != "" {
		fp, err := backend.ParsePath(path)
		if err != nil {
			panic("convextest: Inject: " + err.Error())
		}
		key = fp.String()
	}
	d.mu.Lock()
	if d.faults == nil {
		d.faults = map[string]*faultState{}
	}
	d.faults[key] = &faultState{f: f, left: f.Times}
	d.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (d *Deployment) ClearFaults() {
	d.mu.Lock()
	d.faults = map[string]*faultState{}
	d.mu.Unlock()
}

// takeFault returns the fault for path and uses it up once.
func (d *Deployment) takeFault(path string) (Fault, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, key := range []string{path, ""} {
		fs, ok := d.faults[key]
		if !ok {
			continue
		}
		if fs.f.Times > 0 {
			fs.left--
			if fs.left <= 0 {
				delete(d.faults, key)
			}
		}
		return fs.f, true
	}
	return Fault{}, false
}

// applyFault applies an injected fault; done reports that resp is the answer.
func (d *Deployment) applyFault(ctx context.Context, path string) (resp Response, done bool) {
	f, ok := d.takeFault(path)
	if !ok {
		return Response{}, false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Response{}, true
		}
	}
	switch {
	case f.Hang:
		<-ctx.Done()
		return Response{}, true
	case f.Reset:
		return Response{Reset: true}, true
	case f.Status != 0:
		code, msg := f.Code, f.Message
		if code == "" {
			code = strings.ReplaceAll(http.StatusText(f.Status), " ", "")
		}
		if msg == "" {
			msg = "Injected fault"
		}
		return codeResponse(f.Status, code, msg), true
	}
	return Response{}, false
}
