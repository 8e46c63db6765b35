package gateway

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// MetricsSources is the state Metrics reads at scrape time. A nil field's
// series are not exported.
type MetricsSources struct {
	// Breakers reports the Convex client's lanes (Client.Breakers).
	Breakers func() []convexclient.BreakerStatus
	// Secondary reports the secondary runner's counters.
	Secondary func() SecondaryStats
	// Store reports the state store's breaker (auth.ResilientStore.State).
	Store func() auth.StoreState
}

// Metrics holds the gateway's Prometheus collectors in a private registry
// (no global state). Safe for concurrent use. It implements routes.Metrics.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	convexCalls  *prometheus.CounterVec
	convexTime   *prometheus.HistogramVec
	breaker      *prometheus.CounterVec
	storeBreaker *prometheus.CounterVec
	logins       *prometheus.CounterVec

	mu  sync.RWMutex // guards src
	src MetricsSources
}

// NewMetrics registers the collectors; src may be completed later with
// setSources (the wiring builds the metrics before what they observe).
func NewMetrics(src MetricsSources) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), src: src}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_http_requests_total", Help: "HTTP requests by method, route and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "convexgw_http_request_duration_seconds", Help: "HTTP request latency by method, route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "status"})
	m.convexCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_convex_calls_total",
		Help: "Convex function calls by function, kind and outcome (shed: refused by the in-flight limit before any I/O).",
	}, []string{"function", "kind", "outcome"})
	m.convexTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "convexgw_convex_call_duration_seconds", Help: "Convex call latency (retries included) by function and kind.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"function", "kind"})
	m.breaker = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_convex_breaker_transitions_total", Help: "Convex circuit breaker state changes by breaker (lane) and new state.",
	}, []string{"breaker", "to"})
	m.storeBreaker = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_state_store_breaker_transitions_total", Help: "State store (Redis) breaker state changes by new state.",
	}, []string{"to"})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "convexgw_logins_total", Help: "Login attempts by outcome.",
	}, []string{"outcome"})
	m.reg.MustRegister(m.requests, m.latency, m.convexCalls, m.convexTime, m.breaker, m.storeBreaker, m.logins,
		(*stateCollector)(m), collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// setSources replaces the sources read at scrape time.
func (m *Metrics) setSources(src MetricsSources) {
	m.mu.Lock()
	m.src = src
	m.mu.Unlock()
}

func (m *Metrics) sources() MetricsSources {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.src
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

// ObserveBreakerChange counts a Convex breaker transition
// (convexclient.Config.OnBreakerChange).
func (m *Metrics) ObserveBreakerChange(breaker string, _, to convexclient.State) {
	m.breaker.WithLabelValues(breaker, to.String()).Inc()
}

// ObserveStoreChange counts a state store breaker transition
// (auth.ResilientStoreConfig.OnStateChange).
func (m *Metrics) ObserveStoreChange(_, to auth.StoreState) {
	m.storeBreaker.WithLabelValues(to.String()).Inc()
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
