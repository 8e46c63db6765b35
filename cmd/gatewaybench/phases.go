package main

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// merge appends the hits of b to a and adds the spans (rounds of one phase).
func merge(a, b *sample) *sample {
	if a == nil {
		return b
	}
	a.hits = append(a.hits, b.hits...)
	a.span += b.span
	for k, v := range b.errs {
		if a.errs == nil {
			a.errs = map[string]int{}
		}
		a.errs[k] += v
	}
	return a
}

// proxiedQuery is P1: GET /api/tasks through the gateway (the member's
// cookie session, a 10-task list) ÷ the same tasks:list call through the
// null proxy, a bare Go proxy in a process of its own (net/http in, pooled
// client out, body copied: what any Go gateway pays on this machine, where
// the load generator and the fake share the CPUs), both in max-rate mode
// with the same workers: four alternating rounds each after a warm-up, so
// a drift of the shared machine hits both alike. Also measured: the CPU time
// per request of the gateway process ÷ the null proxy process's (what the
// gateway's own work costs, whatever other tenants take), the bench
// process's CPU per request on each side (load generator + fake: the same
// work), the fake called directly (no proxy) for reference, and the p50
// each adds at a fixed rate.
func (b *bench) proxiedQuery(ctx context.Context) figure {
	const id, name, target = "P1", "gateway/null-proxy throughput", "≥ 0.85"
	direct, err := b.directTarget()
	if err != nil {
		return failed(id, name, target, err)
	}
	np, err := startNullProxyProcess(ctx, direct)
	if err != nil {
		return failed(id, name, target, err)
	}
	defer np.stop()
	const rounds = 4
	workers, slice := uint64(b.opt.concurrency), b.opt.duration/rounds
	nl := load{name: "p1-null-proxy", targets: []vegeta.Target{{Method: http.MethodGet, URL: np.url + "/api/tasks"}},
		workers: workers, duration: slice}
	gw := load{name: "p1-gateway", targets: []vegeta.Target{b.tasksTarget()}, workers: workers, duration: slice}
	dl := load{name: "p1-direct", targets: []vegeta.Target{direct}, workers: workers, duration: slice}
	for _, l := range []load{gw, nl, dl} { // warm-up: connections, caches, GC-sized heaps
		w := l
		w.duration = b.opt.duration / 5
		if _, err := attack(ctx, w); err != nil {
			return failed(id, name, target, err)
		}
	}
	var gs, ns *sample
	var gw2, np2 sideCPU
	cpuOK := true
	measure := func(l load, pid int, into *sideCPU) (*sample, error) {
		b.fake.forgetCalls()
		m := startCPU(pid)
		s, err := attack(ctx, l)
		if err != nil {
			return nil, err
		}
		cpuOK = m.stop() && cpuOK
		into.self, into.proxy, into.n = into.self+m.Self, into.proxy+m.Gate, into.n+s.count(nil)
		return s, nil
	}
	var roundRatios []float64 // gateway ÷ null proxy, each round apart
	for range rounds {
		g, err := measure(gw, b.gw.pid(), &gw2)
		if err != nil {
			return failed(id, name, target, err)
		}
		gs = merge(gs, g)
		n, err := measure(nl, np.pid, &np2)
		if err != nil {
			return failed(id, name, target, err)
		}
		ns = merge(ns, n)
		if nt := n.throughput(is2xx); nt > 0 {
			roundRatios = append(roundRatios, g.throughput(is2xx)/nt)
		}
	}
	ds, err := attack(ctx, dl)
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(gs)
	b.rep.addPhase(ns)
	b.rep.addPhase(ds)
	gThr, nThr, dThr := gs.throughput(is2xx), ns.throughput(is2xx), ds.throughput(is2xx)
	if gThr == 0 || nThr == 0 {
		return failed(id, name, target, fmt.Errorf("no successful answer: gateway %v, null proxy %v", gs.codes(), ns.codes()))
	}
	// The median of the rounds' ratios: a burst of another tenant during
	// one round moves it less than the totals.
	ratio := median(roundRatios)
	gP50, nP50 := gs.pct(50, is2xx), ns.pct(50, is2xx)
	bad := gs.count(not(is2xx)) + ns.count(not(is2xx))
	f := figure{ID: id, Name: name, Value: ratio, Unit: "×", Target: target, Measured: true,
		Pass: ratio >= 0.85 && bad == 0,
		Detail: fmt.Sprintf("median of %d rounds' ratios %s; gateway %.0f/s vs null proxy %.0f/s overall (%.2f) at %d workers (%d tasks per answer); p50 %.0f vs %.0f µs; %d non-2xx; direct (no proxy) %.0f/s: gateway %.2f×, null proxy %.2f× of it",
			len(roundRatios), fmtRatios(roundRatios), gThr, nThr, gThr/nThr, workers, benchTasks, us(gP50), us(nP50), bad, dThr, gThr/dThr, nThr/dThr),
		Extra: map[string]float64{"gatewayRps": gThr, "nullProxyRps": nThr, "directRps": dThr, "overallRatio": gThr / nThr,
			"gatewayP50us": us(gP50), "nullProxyP50us": us(nP50), "non2xx": float64(bad),
			"gatewayOverDirect": gThr / dThr, "nullProxyOverDirect": nThr / dThr}}
	if cpuOK && gw2.n > 0 && np2.n > 0 {
		// CPU per request of each proxy process, and of the bench process
		// (load generator + fake) on each side.
		g, n := gw2.perRequest(), np2.perRequest()
		f.Detail += fmt.Sprintf("; CPU/request: gateway process %.0f µs vs null proxy process %.0f µs = %.2f× (bench process %.0f vs %.0f µs)",
			us(g.proxy), us(n.proxy), float64(g.proxy)/float64(n.proxy), us(g.self), us(n.self))
		f.Extra["gatewayCpuUsPerReq"], f.Extra["nullProxyCpuUsPerReq"] = us(g.proxy), us(n.proxy)
		f.Extra["gatewayOverNullProxyCpu"] = float64(g.proxy) / float64(n.proxy)
		f.Extra["benchCpuUsPerReqViaGateway"], f.Extra["benchCpuUsPerReqViaNullProxy"] = us(g.self), us(n.self)
	}
	// Added latency without queueing: both sides at the fixed -rate.
	gr, nr := gw, nl
	gr.name, nr.name = "p1-gateway-at-rate", "p1-null-proxy-at-rate"
	gr.rate, nr.rate, gr.workers, nr.workers = b.opt.rate, b.opt.rate, 8, 8
	if nS, err := attack(ctx, nr); err == nil {
		if gS, err := attack(ctx, gr); err == nil {
			b.rep.addPhase(gS)
			b.rep.addPhase(nS)
			g50, n50 := gS.pct(50, is2xx), nS.pct(50, is2xx)
			f.Detail += fmt.Sprintf("; at %d req/s: p50 %.0f vs %.0f µs (the gateway adds %.0f µs)", b.opt.rate, us(g50), us(n50), us(g50-n50))
			f.Extra["addedP50usAtRate"], f.Extra["gatewayP50usAtRate"], f.Extra["nullProxyP50usAtRate"] = us(g50-n50), us(g50), us(n50)
		}
	}
	return f
}

// sideCPU sums the CPU time of one side of P1 over its rounds: the bench
// process (self) and the proxy process, over n requests.
type sideCPU struct {
	self, proxy time.Duration
	n           int
}

// perRequest divides the sums by the requests.
func (c sideCPU) perRequest() sideCPU {
	if c.n == 0 {
		return c
	}
	return sideCPU{self: c.self / time.Duration(c.n), proxy: c.proxy / time.Duration(c.n), n: 1}
}

// loginThroughput is P2: successful logins per second (max rate, workers =
// 2× the gateway's bcrypt pool, so the pool is always busy without anyone
// waiting long) against the bcrypt bound CPUs ÷ one cost-10 verify. The
// verify is timed in this process right before and right after the login
// phase and the two medians averaged, so a shared machine's load drifts into
// both sides of the ratio alike.
func (b *bench) loginThroughput(ctx context.Context) figure {
	const id, name, target = "P2", "login/bcrypt bound", "≥ 0.90"
	l := load{name: "p2-login", targets: loginTargets(b.base), workers: uint64(2 * runtime.NumCPU()), duration: b.opt.duration}
	warm := l
	warm.duration = b.opt.duration / 5
	if _, err := attack(ctx, warm); err != nil {
		return failed(id, name, target, err)
	}
	before, err := bcryptVerifyTime(10, 7)
	if err != nil {
		return failed(id, name, target, err)
	}
	m := startCPU(b.gw.pid())
	s, err := attack(ctx, l)
	if err != nil {
		return failed(id, name, target, err)
	}
	cpuOK := m.stop()
	after, err := bcryptVerifyTime(10, 7)
	if err != nil {
		return failed(id, name, target, err)
	}
	// What the CPUs give in parallel right now (other tenants, SMT and
	// frequency scaling show here, not in the bound).
	parallel, err := bcryptParallelRate(10, runtime.NumCPU(), time.Second)
	if err != nil {
		return failed(id, name, target, err)
	}
	b.rep.addPhase(s)
	verify := (before + after) / 2
	bound := float64(runtime.NumCPU()) / verify.Seconds()
	thr := s.throughput(isCode(200))
	ratio := thr / bound
	bad := s.count(not(isCode(200)))
	f := figure{ID: id, Name: name, Value: ratio, Unit: "×", Target: target, Measured: true,
		Pass: ratio >= 0.9 && bad == 0,
		Detail: fmt.Sprintf("%.1f logins/s vs bound %.1f/s (%d CPUs ÷ %.1f ms per cost-10 verify: %.1f before, %.1f after); login p50 %.0f ms; %d non-200; %d parallel verifies in this process just after: %.1f/s (logins ÷ that: %.2f)",
			thr, bound, runtime.NumCPU(), ms(verify), ms(before), ms(after), ms(s.pct(50, nil)), bad, runtime.NumCPU(), parallel, thr/parallel),
		Extra: map[string]float64{"loginsPerSec": thr, "boundPerSec": bound, "verifyMs": ms(verify),
			"verifyBeforeMs": ms(before), "verifyAfterMs": ms(after), "non200": float64(bad),
			"parallelVerifiesPerSec": parallel, "loginsOverParallel": thr / parallel}}
	if n := s.count(isCode(200)); cpuOK && m.Gate > 0 && n > 0 {
		// The share of the gateway's CPU that went into the verifies
		// themselves: immune to what other tenants take, it says how much
		// the rest of the login path costs.
		eff := float64(n) * verify.Seconds() / m.Gate.Seconds()
		f.Detail += fmt.Sprintf("; gateway CPU %.2f s for %d logins = %.1f ms each (%.0f%% of it the verify)",
			m.Gate.Seconds(), n, ms(m.Gate)/float64(n), 100*eff)
		f.Extra["gatewayCpuMsPerLogin"], f.Extra["verifyShareOfGatewayCpu"] = ms(m.Gate)/float64(n), eff
	}
	return f
}

// documented is an answer a storm may give: 429 or 503 with Retry-After.
func documented(h hit) bool { return (h.code == 429 || h.code == 503) && h.retryAfter }

// stormIsolation is P3: the p99 of GET /api/tasks at a fixed rate while
// logins (max rate, 8 workers per CPU) saturate the bcrypt pool, versus its
// p99 at the same rate without them: two alternating rounds of each, so a
// burst from another tenant of the machine is less likely to decide the
// ratio alone. Any answer other than 2xx or a documented 429/503 with
// Retry-After is a failure, on either route.
func (b *bench) stormIsolation(ctx context.Context) figure {
	const id, name, target = "P3", "storm p99 / unloaded p99", "≤ 2.0, 0 failures"
	half := b.opt.duration / 2
	tasks := load{name: "p3-tasks-unloaded", targets: []vegeta.Target{b.tasksTarget()}, workers: 8,
		rate: b.opt.rate, duration: half}
	storm := load{name: "p3-login-storm", targets: loginTargets(b.base), workers: uint64(8 * runtime.NumCPU()),
		duration: half}
	var calm, during, logins *sample
	for range 2 {
		s, err := attack(ctx, tasks)
		if err != nil {
			return failed(id, name, target, err)
		}
		calm = merge(calm, s)
		st := tasks
		st.name = "p3-tasks-storm"
		both, err := attackTogether(ctx, st, storm)
		if err != nil {
			return failed(id, name, target, err)
		}
		during, logins = merge(during, both[0]), merge(logins, both[1])
	}
	b.rep.addPhase(calm)
	b.rep.addPhase(during)
	b.rep.addPhase(logins)
	ok := func(h hit) bool { return is2xx(h) || documented(h) }
	failures := during.count(not(ok)) + logins.count(not(ok)) + calm.count(not(ok))
	p99Calm, p99Storm := calm.pct(99, nil), during.pct(99, nil)
	if p99Calm <= 0 {
		return failed(id, name, target, fmt.Errorf("no unloaded answers"))
	}
	ratio := float64(p99Storm) / float64(p99Calm)
	return figure{ID: id, Name: name, Value: ratio, Unit: "×", Target: target, Measured: true,
		Pass: ratio <= 2 && failures == 0,
		Detail: fmt.Sprintf("tasks p99 %.2f ms (p50 %.2f) during %.1f logins/s (%d answered 429/503) vs %.2f ms (p50 %.2f) unloaded at %d req/s; %d failures",
			ms(p99Storm), ms(during.pct(50, nil)), logins.throughput(isCode(200)), logins.count(documented),
			ms(p99Calm), ms(calm.pct(50, nil)), b.opt.rate, failures),
		Extra: map[string]float64{"p99StormMs": ms(p99Storm), "p99UnloadedMs": ms(p99Calm),
			"p50StormMs": ms(during.pct(50, nil)), "p50UnloadedMs": ms(calm.pct(50, nil)),
			"loginsPerSec": logins.throughput(isCode(200)), "loginsShed": float64(logins.count(documented)),
			"failures": float64(failures)}}
}

// median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// fmtRatios prints ratios as "[0.81 0.79 …]".
func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
