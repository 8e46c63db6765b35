package convexclient

import (
	"context"
	"time"
)

// admission is a call let through to the backend: it passed its lane's
// breaker and holds one of the lane's in-flight slots.
type admission struct {
	ln      *lane
	done    func(error) // the breaker ticket
	counted bool        // false: a later attempt of a task (WithAttempt), not counted
	timeout time.Duration
}

// admit runs a call through admission control: the breaker of its lane
// (fail fast while open), then a slot of the lane's in-flight limit (a short
// bounded wait, then shed). On success the caller must call finish once,
// after the call. Refusals fill ev and return an *UnavailableError
// (ReasonBreakerOpen or ReasonShed) or the context's error; none of them
// counts toward any breaker.
func (e *engine) admit(ctx, parent context.Context, s *callSpec, ev *CallEvent) (admission, error) {
	opts := callOptsFrom(ctx)
	ln := &e.lanes[foregroundLane(s.kind)]
	ev.Background = opts.background
	if opts.background {
		// A foreground breaker that is open means the backend is down:
		// background work waits too, but never counts toward it.
		if ln.br.state() == StateOpen {
			ev.Breaker, ev.Outcome, ev.Reason = ln.name, OutcomeUnavailable, ReasonBreakerOpen
			return admission{}, ln.br.refusal()
		}
		ln = &e.lanes[laneBackground]
	}
	ev.Breaker = ln.name
	if ctx.Err() != nil { // don't take a half-open probe slot for a dead call
		var err error
		ev.Outcome, err = ctxError(ctx, parent, s)
		return admission{}, err
	}
	// A later attempt of a task counts only as a half-open probe. The state
	// may change before Allow: then gobreaker drops the verdict (new
	// generation), or the probe is excluded, which frees its probe slot.
	counted := opts.attempt <= 1 || ln.br.state() == StateHalfOpen
	done, err := ln.br.allow()
	if err != nil {
		ev.Outcome, ev.Reason = OutcomeUnavailable, ReasonBreakerOpen
		return admission{}, err
	}
	start := e.now()
	err = ln.lim.acquire(ctx)
	ev.QueueWait = e.now().Sub(start)
	if err != nil {
		done(errBreakerExcluded)
		ln.br.flush()
		if err == errShed {
			ev.Outcome, ev.Reason = OutcomeShed, ReasonShed
			return admission{}, &UnavailableError{RetryAfter: shedRetryAfter, Reason: ReasonShed, Breaker: ln.name}
		}
		ev.Outcome, err = ctxError(ctx, parent, s)
		return admission{}, err
	}
	timeout := opts.timeout
	switch {
	case timeout != 0:
	case s.api != nil && s.api.anyKind:
		// /api/run and /api/function run any kind: it may be a long action.
		timeout = e.cfg.Timeouts.of(KindAction)
	default:
		timeout = e.cfg.Timeouts.of(s.kind)
	}
	return admission{ln: ln, done: done, counted: counted, timeout: timeout}, nil
}

// finish records the call's breaker verdict (see verdict).
func (ad admission) finish(v error) {
	if !ad.counted {
		v = errBreakerExcluded
	}
	ad.done(v)
	ad.ln.br.flush()
}

// verdict classifies a finished exchange for the breaker: errBreakerFailure
// for an outage (a network error, the client's own timeout, 429, or 5xx
// without a function result), errBreakerExcluded for the caller's own
// cancellation or deadline, nil (success) for every answer of a working
// backend, function errors included.
func verdict(ctx, parent context.Context, a attempt) error {
	switch {
	case a.err != nil && ctx.Err() != nil:
		if context.Cause(ctx) == errOwnTimeout && parent.Err() == nil {
			return errBreakerFailure // our own timeout: the backend is slow
		}
		return errBreakerExcluded
	case isNetworkError(a.err), a.status == 429:
		return errBreakerFailure
	case a.status == 560:
		// The legacy function-error status: the function ran. Only a body
		// that is not a function result makes it an outage.
		if _, err := parseResponse(a.body); err != nil {
			return errBreakerFailure
		}
	case a.status >= 500:
		return errBreakerFailure
	}
	return nil
}
