package convexclient

import (
	"time"

	"go.uber.org/zap"
)

// Breaker (lane) names, as in BreakerStatus.Name, CallEvent.Breaker and
// UnavailableError.Breaker.
const (
	BreakerQuery      = "query"      // foreground queries
	BreakerMutation   = "mutation"   // foreground mutations
	BreakerAction     = "action"     // foreground actions
	BreakerBackground = "background" // every call marked WithBackground
)

// laneID indexes engine.lanes.
type laneID uint8

const (
	laneQuery laneID = iota
	laneMutation
	laneAction
	laneBackground
	numLanes
)

// lane is one isolated path to the backend: its own breaker and in-flight
// limit, so that an outage or a flood in one lane cannot take the others down.
type lane struct {
	name string
	br   *breaker // nil: breakers disabled
	lim  *limiter // nil: limits disabled
}

// newLanes builds the four lanes. The legacy OnStateChange hook hears the
// query breaker only (the one State reports); OnBreakerChange hears all.
func newLanes(cfg Config, deployment string, now func() time.Time, log *zap.Logger) [numLanes]lane {
	hook := func(name string, from, to State) {
		if name == BreakerQuery && cfg.OnStateChange != nil {
			cfg.OnStateChange(from, to)
		}
		if cfg.OnBreakerChange != nil {
			cfg.OnBreakerChange(name, from, to)
		}
	}
	var lanes [numLanes]lane
	for id, l := range []struct {
		name  string
		limit int
	}{
		laneQuery:      {BreakerQuery, cfg.Limits.Query},
		laneMutation:   {BreakerMutation, cfg.Limits.Mutation},
		laneAction:     {BreakerAction, cfg.Limits.Action},
		laneBackground: {BreakerBackground, cfg.Limits.Background},
	} {
		lanes[id] = lane{
			name: l.name,
			br:   newBreaker(l.name, deployment, cfg.Breaker, now, log, hook),
			lim:  newLimiter(l.limit, cfg.Limits),
		}
	}
	return lanes
}

// foregroundLane is the lane of a foreground call of kind k. Kinds other
// than query and mutation (actions, and calls whose kind the client cannot
// know in advance) take the action lane: the one sized for long calls.
func foregroundLane(k Kind) laneID {
	switch k {
	case KindQuery:
		return laneQuery
	case KindMutation:
		return laneMutation
	}
	return laneAction
}

// BreakerStatus is one lane's breaker state and load, for readiness checks
// and metrics.
type BreakerStatus struct {
	Name     string // BreakerQuery, BreakerMutation, BreakerAction or BreakerBackground
	State    State  // StateClosed when breakers are disabled
	InFlight int    // calls holding a slot now
	Limit    int    // the lane's in-flight limit; 0 when limits are disabled
}

// Breakers returns the status of every breaker, in the order query,
// mutation, action, background (resolving a lazy configuration if needed,
// without I/O); nil when the client cannot be configured. Safe for
// concurrent use.
func (c *Client) Breakers() []BreakerStatus {
	e, err := c.engine()
	if err != nil {
		return nil
	}
	out := make([]BreakerStatus, numLanes)
	for i := range e.lanes {
		l := &e.lanes[i]
		out[i] = BreakerStatus{Name: l.name, State: l.br.state(), InFlight: l.lim.inFlight(), Limit: l.lim.limit()}
	}
	return out
}
