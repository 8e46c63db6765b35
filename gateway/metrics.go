package gateway

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// Metrics holds the gateway's Prometheus collectors in a private registry
// (no global state). Safe for concurrent use. It implements routes.Metrics.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	convexCalls *prometheus.CounterVec
	convexTime  *prometheus.HistogramVec
	breaker     *prometheus.CounterVec
	logins      *prometheus.CounterVec
}

// NewMetrics registers the collectors. state reports the breaker state and
// stats the secondary runner's counters; either may be nil.
func NewMetrics(state func() convexclient.State, stats func() SecondaryStats) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_http_requests_total", Help: "HTTP requests by method, route and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "convexgw_http_request_duration_seconds", Help: "HTTP request latency by method, route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "status"})
	m.convexCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_convex_calls_total", Help: "Convex function calls by function, kind and outcome.",
	}, []string{"function", "kind", "outcome"})
	m.convexTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "convexgw_convex_call_duration_seconds", Help: "Convex call latency (retries included) by function and kind.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"function", "kind"})
	m.breaker = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_convex_breaker_transitions_total", Help: "Circuit breaker state changes by new state.",
	}, []string{"to"})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_logins_total", Help: "Login attempts by outcome.",
	}, []string{"outcome"})
	m.reg.MustRegister(m.requests, m.latency, m.convexCalls, m.convexTime, m.breaker, m.logins,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if state != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "convexgw_convex_breaker_state", Help: "Circuit breaker state: 0 closed, 1 half-open, 2 open.",
		}, func() float64 { return float64(state()) }))
	}
	if stats != nil {
		for _, ev := range []struct {
			name string
			get  func(SecondaryStats) uint64
		}{
			{"queued", func(s SecondaryStats) uint64 { return s.Queued }},
			{"done", func(s SecondaryStats) uint64 { return s.Done }},
			{"retried", func(s SecondaryStats) uint64 { return s.Retried }},
			{"failed", func(s SecondaryStats) uint64 { return s.Failed }},
			{"dropped", func(s SecondaryStats) uint64 { return s.Dropped }},
		} {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "convexgw_secondary_tasks_" + ev.name + "_total", Help: "Secondary mutations " + ev.name + ".",
			}, func() float64 { return float64(ev.get(stats())) }))
		}
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "convexgw_secondary_queue_depth", Help: "Secondary mutations waiting.",
		}, func() float64 { return float64(stats().Depth) }))
	}
	return m
}

// ObserveRequest counts one HTTP request. Methods other than the standard
// ones are counted as "other".
func (m *Metrics) ObserveRequest(method, route string, status int, elapsed time.Duration) {
	s := strconv.Itoa(status)
	method = methodLabel(method)
	m.requests.WithLabelValues(method, route, s).Inc()
	m.latency.WithLabelValues(method, route, s).Observe(elapsed.Seconds())
}

// methodLabel bounds the method label: the client picks the method, and
// every distinct label value is a new series held for the process's life.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}

// LoginOutcome counts one login attempt.
func (m *Metrics) LoginOutcome(outcome string) { m.logins.WithLabelValues(outcome).Inc() }

// ObserveCall records one Convex call (convexclient.Config.OnCall).
func (m *Metrics) ObserveCall(ev convexclient.CallEvent) {
	m.convexCalls.WithLabelValues(ev.Path, ev.Kind.String(), ev.Outcome).Inc()
	m.convexTime.WithLabelValues(ev.Path, ev.Kind.String()).Observe(ev.Duration.Seconds())
}

// ObserveStateChange counts a breaker transition (convexclient.Config.OnStateChange).
func (m *Metrics) ObserveStateChange(_, to convexclient.State) {
	m.breaker.WithLabelValues(to.String()).Inc()
}

// Handler serves the Prometheus text exposition.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveMemoryStore exports the in-memory state store's budgets (used and
// limit of counters, marks and session records, and writes refused when
// full), so an operator sees a budget filling before logins fail.
func (m *Metrics) ObserveMemoryStore(stats func() auth.MemoryStoreStats) {
	gauge := func(name, help string, f func(auth.MemoryStoreStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "convexgw_state_" + name, Help: help},
			func() float64 { return f(stats()) })
	}
	m.reg.MustRegister(
		gauge("sessions", "Session records held by the in-memory state store.", func(s auth.MemoryStoreStats) float64 { return float64(s.Sessions) }),
		gauge("sessions_max", "MEMORY_STORE_MAX_SESSIONS.", func(s auth.MemoryStoreStats) float64 { return float64(s.MaxSessions) }),
		gauge("entries", "Counters and rate-limit cells held by the in-memory state store.", func(s auth.MemoryStoreStats) float64 { return float64(s.Entries) }),
		gauge("marks", "Locks and single-use values held by the in-memory state store.", func(s auth.MemoryStoreStats) float64 { return float64(s.Marks) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "convexgw_state_full_refusals_total",
			Help: "Writes the in-memory state store refused because a budget was full."},
			func() float64 { return float64(stats().FullRefusals) }),
	)
}
