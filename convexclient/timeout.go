package convexclient

import "time"

// DefaultActionTimeout is the default per-call timeout of actions: Convex
// runs actions for up to 10 minutes (Node) or about 30 minutes (its own
// runtime), so they must not share the 10s of queries and mutations.
const DefaultActionTimeout = 15 * time.Minute

// TimeoutSettings are the per-call timeouts by kind. A call's timeout starts
// once it holds an in-flight slot (LimitSettings) and covers all its
// attempts; an earlier context deadline wins, and WithTimeout replaces it
// for one call. A mutation or action that times out after its request was
// sent fails with ErrOutcomeUnknown (it may have committed).
type TimeoutSettings struct {
	// Query and Mutation are the timeouts of queries and mutations. Zero
	// means Config.Timeout, itself 10s when zero; negative is invalid.
	Query, Mutation time.Duration
	// Action is the timeout of actions (Config.Timeout does not apply).
	// Zero means DefaultActionTimeout (15 min); negative is invalid.
	Action time.Duration
}

// withDefaults fills zero fields; fallback is the resolved Config.Timeout.
func (s TimeoutSettings) withDefaults(fallback time.Duration) TimeoutSettings {
	if s.Query == 0 {
		s.Query = fallback
	}
	if s.Mutation == 0 {
		s.Mutation = fallback
	}
	if s.Action == 0 {
		s.Action = DefaultActionTimeout
	}
	return s
}

// of returns the timeout for kind k (kinds other than query and mutation
// get the action timeout: the client cannot bound what it does not know).
func (s TimeoutSettings) of(k Kind) time.Duration {
	switch k {
	case KindQuery:
		return s.Query
	case KindMutation:
		return s.Mutation
	}
	return s.Action
}
