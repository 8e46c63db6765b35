package gateway

import (
	"github.com/prometheus/client_golang/prometheus"
)

// State series, read from MetricsSources at scrape time.
var (
	descBreakerState = prometheus.NewDesc("convexgw_convex_breaker_state",
		"Convex circuit breaker state by breaker (lane): 0 closed, 1 half-open, 2 open.", []string{"breaker"}, nil)
	descInFlight = prometheus.NewDesc("convexgw_convex_in_flight",
		"Convex calls holding an in-flight slot, by lane.", []string{"lane"}, nil)
	descInFlightLimit = prometheus.NewDesc("convexgw_convex_in_flight_limit",
		"In-flight limit of each lane (0: none).", []string{"lane"}, nil)
	descStoreState = prometheus.NewDesc("convexgw_state_store_breaker_state",
		"State store (Redis) breaker state: 0 closed, 1 half-open, 2 open.", nil, nil)
	descSecondaryPending = prometheus.NewDesc("convexgw_secondary_tasks_pending",
		"Secondary mutations this process holds (ready, running or waiting for a retry).", nil, nil)
	secondaryCounters = []struct {
		desc *prometheus.Desc
		get  func(SecondaryStats) uint64
	}{
		{secondaryDesc("queued", "accepted by the runner"), func(s SecondaryStats) uint64 { return s.Queued }},
		{secondaryDesc("done", "that succeeded"), func(s SecondaryStats) uint64 { return s.Done }},
		{secondaryDesc("retried", "attempts that failed transiently and were retried"), func(s SecondaryStats) uint64 { return s.Retried }},
		{secondaryDesc("failed", "that failed permanently (dead-lettered with Redis)"), func(s SecondaryStats) uint64 { return s.Failed }},
		{secondaryDesc("dropped", "lost: memory queue full, runner stopped, or undelivered in memory at the shutdown deadline"), func(s SecondaryStats) uint64 { return s.Dropped }},
		{secondaryDesc("dead_lettered", "still failing at the maximum age"), func(s SecondaryStats) uint64 { return s.DeadLettered }},
		{secondaryDesc("claimed", "taken over from a consumer that stopped renewing them (Redis)"), func(s SecondaryStats) uint64 { return s.Claimed }},
	}
)

func secondaryDesc(event, help string) *prometheus.Desc {
	return prometheus.NewDesc("convexgw_secondary_tasks_"+event+"_total", "Secondary mutations "+help+".", nil, nil)
}

// stateCollector exports the state series of Metrics.
type stateCollector Metrics

// Describe implements prometheus.Collector.
func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBreakerState, descInFlight, descInFlightLimit, descStoreState, descSecondaryPending} {
		ch <- d
	}
	for _, sc := range secondaryCounters {
		ch <- sc.desc
	}
}

// Collect implements prometheus.Collector.
func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	src := (*Metrics)(c).sources()
	if src.Breakers != nil {
		for _, b := range src.Breakers() {
			ch <- prometheus.MustNewConstMetric(descBreakerState, prometheus.GaugeValue, float64(b.State), b.Name)
			ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(b.InFlight), b.Name)
			ch <- prometheus.MustNewConstMetric(descInFlightLimit, prometheus.GaugeValue, float64(b.Limit), b.Name)
		}
	}
	if src.Store != nil {
		ch <- prometheus.MustNewConstMetric(descStoreState, prometheus.GaugeValue, float64(src.Store()))
	}
	if src.Secondary != nil {
		st := src.Secondary()
		for _, sc := range secondaryCounters {
			ch <- prometheus.MustNewConstMetric(sc.desc, prometheus.CounterValue, float64(sc.get(st)))
		}
		ch <- prometheus.MustNewConstMetric(descSecondaryPending, prometheus.GaugeValue, float64(st.Pending))
	}
}
