package convexclient_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

func TestTimeoutsAndOutcomeUnknown(t *testing.T) {
	const short, slow = 100 * time.Millisecond, 300 * time.Millisecond
	hang := convextest.Fault{Hang: true}
	type want struct {
		ok, timeout, deadline, canceled, unknown, network bool
		temporary, idempotent                             bool
	}
	cases := []struct {
		name  string
		kind  convexclient.Kind
		path  string
		fault convextest.Fault
		flaky convextest.FlakyOptions
		cfg   convexclient.Config
		ctx   func(context.Context, *env) (context.Context, context.CancelFunc)
		want  want
	}{
		{name: "query timeout is not unknown", kind: convexclient.KindQuery, path: "tasks:list", fault: hang,
			cfg:  convexclient.Config{Timeouts: convexclient.TimeoutSettings{Query: short}},
			want: want{timeout: true, temporary: true, idempotent: true}},
		{name: "mutation timeout is unknown", kind: convexclient.KindMutation, path: "tasks:touch", fault: hang,
			cfg:  convexclient.Config{Timeouts: convexclient.TimeoutSettings{Mutation: short}},
			want: want{timeout: true, unknown: true, idempotent: true}},
		{name: "action past the caller's deadline is unknown", kind: convexclient.KindAction, path: "tasks:sync", fault: hang,
			ctx: func(ctx context.Context, _ *env) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, short)
			},
			want: want{timeout: true, deadline: true, unknown: true, idempotent: true}},
		{name: "mutation cancelled after it was sent is unknown", kind: convexclient.KindMutation, path: "tasks:touch", fault: hang,
			ctx: func(ctx context.Context, e *env) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				go func() { // cancel once the backend has the call
					for e.d.InFlight() == 0 {
						time.Sleep(time.Millisecond)
					}
					cancel()
				}()
				return ctx, cancel
			},
			want: want{canceled: true, unknown: true}},
		{name: "mutation connection reset is unknown", kind: convexclient.KindMutation, path: "tasks:touch",
			flaky: convextest.FlakyOptions{Rate: 1, Reset: true},
			want:  want{network: true, unknown: true, idempotent: true}},
		{name: "query connection reset is temporary", kind: convexclient.KindQuery, path: "tasks:list",
			flaky: convextest.FlakyOptions{Rate: 1, Reset: true},
			want:  want{network: true, temporary: true, idempotent: true}},
		{name: "WithTimeout lengthens", kind: convexclient.KindQuery, path: "tasks:list", fault: convextest.Fault{Latency: slow},
			cfg: convexclient.Config{Timeouts: convexclient.TimeoutSettings{Query: short}},
			ctx: func(ctx context.Context, _ *env) (context.Context, context.CancelFunc) {
				return convexclient.WithTimeout(ctx, time.Minute), func() {}
			},
			want: want{ok: true}},
		{name: "WithTimeout shortens", kind: convexclient.KindQuery, path: "tasks:list", fault: hang,
			ctx: func(ctx context.Context, _ *env) (context.Context, context.CancelFunc) {
				return convexclient.WithTimeout(ctx, short), func() {}
			},
			want: want{timeout: true, temporary: true, idempotent: true}},
		{name: "an earlier deadline beats WithTimeout", kind: convexclient.KindQuery, path: "tasks:list", fault: hang,
			ctx: func(ctx context.Context, _ *env) (context.Context, context.CancelFunc) {
				return context.WithTimeout(convexclient.WithTimeout(ctx, time.Minute), short)
			},
			want: want{timeout: true, deadline: true, temporary: true, idempotent: true}},
		{name: "Config.Timeout bounds queries", kind: convexclient.KindQuery, path: "tasks:list", fault: convextest.Fault{Latency: slow},
			cfg:  convexclient.Config{Timeout: short},
			want: want{timeout: true, temporary: true, idempotent: true}},
		{name: "Config.Timeout does not bound actions", kind: convexclient.KindAction, path: "tasks:sync", fault: convextest.Fault{Latency: slow},
			cfg:  convexclient.Config{Timeout: short},
			want: want{ok: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.flaky, tc.cfg)
			if tc.fault != (convextest.Fault{}) {
				e.d.Inject(tc.path, tc.fault)
			}
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx(ctx, e)
			}
			defer cancel()
			err := e.c.Call(ctx, tc.kind, tc.path, nil, nil)
			var ne *convexclient.NetworkError
			got := want{
				ok: err == nil, timeout: errors.Is(err, convexclient.ErrTimeout), deadline: errors.Is(err, context.DeadlineExceeded),
				canceled: errors.Is(err, context.Canceled), unknown: errors.Is(err, convexclient.ErrOutcomeUnknown),
				network: errors.As(err, &ne), temporary: convexclient.Temporary(err), idempotent: convexclient.TemporaryIdempotent(err),
			}
			if got != tc.want {
				t.Fatalf("err = %v\ngot  %+v\nwant %+v", err, got, tc.want)
			}
			if ev := e.lastEvent(); ev.Unknown != tc.want.unknown {
				t.Fatalf("event %+v", ev)
			}
			var ue *convexclient.OutcomeUnknownError
			if tc.want.unknown && (!errors.As(err, &ue) || ue.Kind != tc.kind || ue.Path != tc.path) {
				t.Fatalf("err = %#v", err)
			}
		})
	}
}

// TestMutationNeverSentIsNotUnknown: a mutation whose connection was never
// made (dial refused, retried) surely did not run: not ErrOutcomeUnknown.
func TestMutationNeverSentIsNotUnknown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := convexclient.New(convexclient.WithTestHooks(convexclient.Config{URL: "http://" + addr}, 1))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Mutation(context.Background(), "tasks:touch", nil, nil)
	var ne *convexclient.NetworkError
	if !errors.As(err, &ne) || ne.Op != "dial" || errors.Is(err, convexclient.ErrOutcomeUnknown) || !convexclient.Temporary(err) {
		t.Fatalf("err = %v", err)
	}
}
