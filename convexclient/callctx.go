package convexclient

import (
	"context"
	"time"
)

// callOpts are the per-call options a context carries.
type callOpts struct {
	background bool
	attempt    int           // 0 or 1: first attempt
	timeout    time.Duration // 0: the kind's default
}

type callOptsKey struct{}

func callOptsFrom(ctx context.Context) callOpts {
	o, _ := ctx.Value(callOptsKey{}).(callOpts)
	return o
}

func withCallOpts(ctx context.Context, f func(*callOpts)) context.Context {
	o := callOptsFrom(ctx)
	f(&o)
	return context.WithValue(ctx, callOptsKey{}, o)
}

// WithBackground marks the calls made with the returned context as
// background work (a secondary mutation runner, a job queue): they run in
// the background lane, with its own breaker and in-flight limit
// (LimitSettings.Background), so that they can neither open a foreground
// breaker nor take a foreground slot. While the foreground breaker of the
// call's kind is open, a background call fails fast too (ReasonBreakerOpen),
// without being counted anywhere.
func WithBackground(ctx context.Context) context.Context {
	return withCallOpts(ctx, func(o *callOpts) { o.background = true })
}

// IsBackground reports whether ctx carries WithBackground.
func IsBackground(ctx context.Context) bool { return callOptsFrom(ctx).background }

// WithAttempt tells the client that the calls made with the returned context
// belong to attempt n (1-based) of one logical task that its caller retries,
// e.g. a secondary mutation retried with back-off. So that one task counts
// once toward a breaker whatever its retries, only attempt 1 is counted
// while the breaker is closed; later attempts are counted only as half-open
// probes (they then decide whether the breaker closes or opens again). n < 1
// is taken as 1. The client's own retries within one call always count once.
func WithAttempt(ctx context.Context, n int) context.Context {
	return withCallOpts(ctx, func(o *callOpts) { o.attempt = n })
}

// WithTimeout sets the per-call timeout of the calls made with the returned
// context, replacing the default of their kind (Config.Timeouts); it may be
// longer or shorter. An earlier deadline of the context still wins. The
// timeout starts once the call holds an in-flight slot and covers its
// retries. d <= 0 restores the default.
func WithTimeout(ctx context.Context, d time.Duration) context.Context {
	return withCallOpts(ctx, func(o *callOpts) { o.timeout = max(d, 0) })
}
