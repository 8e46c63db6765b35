package devbackend

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// t0 is the fixed clock of the tests: 2026-01-01T00:00:00Z.
var t0 = time.UnixMilli(1767225600000).UTC()

// fixture is a Backend on a settable clock with the demo users' ids.
type fixture struct {
	t   *testing.T
	b   *Backend
	now time.Time
	ids map[string]string // "admin", "manager", "member", "inactive" -> user id
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, now: t0}
	f.b = New(Options{Now: func() time.Time { return f.now }})
	f.ids = map[string]string{}
	for _, u := range f.b.db.scan("users", []string{"_creationTime"}, false, nil) {
		email := u["email"].(string)
		f.ids[email[:len(email)-len("@demo.test")]] = u["_id"].(string)
	}
	return f
}

// outcome is a call's result: JSON of the value, or the ConvexError data,
// or another error.
type outcome struct {
	value string
	data  string // JSON of ConvexError data
	err   error
}

// call runs path as user ("" = no identity, "!x" = identity with subject x).
func (f *fixture) call(path, user, args string) outcome {
	f.t.Helper()
	var fn *function
	for _, g := range f.b.functions() {
		if g.path == path {
			fn = &g
			break
		}
	}
	if fn == nil {
		f.t.Fatalf("no function %s", path)
	}
	c := &convextest.Call{Kind: fn.kind, Path: path, Args: []byte(args), Auth: convextest.AuthAdmin}
	if user != "" {
		subject := f.ids[user]
		if user[0] == '!' {
			subject = user[1:]
		}
		c.Identity = &convexclient.Identity{Subject: subject, Issuer: "https://gw.test"}
		c.Auth = convextest.AuthActing
	}
	v, err := f.b.handler(*fn)(context.Background(), c)
	if err != nil {
		var ce *convextest.Error
		if errors.As(err, &ce) {
			d, jerr := json.Marshal(ce.Data)
			if jerr != nil {
				f.t.Fatal(jerr)
			}
			return outcome{data: string(d), err: err}
		}
		return outcome{err: err}
	}
	out, err := json.Marshal(v)
	if err != nil {
		f.t.Fatalf("marshal %T: %v", v, err)
	}
	return outcome{value: string(out)}
}

// ok fails unless the call succeeded, and returns its value decoded.
func (f *fixture) ok(path, user, args string) any {
	f.t.Helper()
	o := f.call(path, user, args)
	if o.err != nil {
		f.t.Fatalf("%s as %q %s: %v %s", path, user, args, o.err, o.data)
	}
	var v any
	if err := json.Unmarshal([]byte(o.value), &v); err != nil {
		f.t.Fatal(err)
	}
	return v
}

// mustJSON marshals v for building args.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// invalidArgs returns the ArgumentValidationError details of a call, or
// fails.
func (f *fixture) invalidArgs(path, user, args string) string {
	f.t.Helper()
	o := f.call(path, user, args)
	if o.err == nil || o.data != "" {
		f.t.Fatalf("%s %s: %+v, want an argument validation error", path, args, o)
	}
	msg, ok := strings.CutPrefix(o.err.Error(), "ArgumentValidationError: ")
	if !ok {
		f.t.Fatalf("%s %s: error %q is not an ArgumentValidationError", path, args, o.err)
	}
	return msg
}
