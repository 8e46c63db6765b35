package main

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
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

// proxiedQuery is P1: GET /api/tasks through the gateway versus the same
// tasks:list call sent straight to the fake, both in max-rate mode with the
// same number of workers. Two alternating rounds each, after a warm-up, so
// a drift of the shared machine hits both sides alike. A third side, the
// null proxy, shows the floor any Go gateway pays; CPU time per request of
// both processes shows where the time goes.
func (b *bench) proxiedQuery(ctx context.Context) figure {
	const id, name, target = "P1", "proxied/direct throughput", "≥ 0.70"
	direct, err := b.directTarget()
	if err != nil {
		return failed(id, name, target, err)
	}
	np, err := startNullProxy(direct)
	if err != nil {
		return failed(id, name, target, err)
	}
	defer np.close()
	workers := uint64(b.opt.concurrency)
	nl := load{name: "p1-null-proxy", targets: []vegeta.Target{{Method: http.MethodGet, URL: np.url + "/api/tasks"}},
		workers: workers, duration: b.opt.duration / 2}
	gw := load{name: "p1-gateway", targets: []vegeta.Target{b.tasksTarget()}, workers: workers, duration: b.opt.duration / 2}
	dl := load{name: "p1-direct", targets: []vegeta.Target{direct}, workers: workers, duration: b.opt.duration / 2}
	for _, l := range []load{gw, dl, nl} { // warm-up: connections, caches, JIT-free but GC-sized heaps
		w := l
		w.duration = b.opt.duration / 5
		if _, err := attack(ctx, w); err != nil {
			return failed(id, name, target, err)
		}
	}
	var gs, ds, ns *sample
	var dCPU, gSelf, gGate, nCPU time.Duration
	cpuOK := true
	for range 2 {
		b.fake.forgetCalls()
		m := startCPU(b.gw.pid())
		s, err := attack(ctx, dl)
		if err != nil {
			return failed(id, name, target, err)
		}
		cpuOK = m.stop() && cpuOK
		dCPU += m.Self
		ds = merge(ds, s)
		m = startCPU(b.gw.pid())
		if s, err = attack(ctx, gw); err != nil {
			return failed(id, name, target, err)
		}
		cpuOK = m.stop() && cpuOK
		gSelf, gGate = gSelf+m.Self, gGate+m.Gate
		gs = merge(gs, s)
		m = startCPU(b.gw.pid())
		if s, err = attack(ctx, nl); err != nil {
			return failed(id, name, target, err)
		}
		cpuOK = m.stop() && cpuOK
		nCPU += m.Self
		ns = merge(ns, s)
	}
	b.rep.addPhase(ds)
	b.rep.addPhase(gs)
	b.rep.addPhase(ns)
	dThr, gThr := ds.throughput(is2xx), gs.throughput(is2xx)
	if dThr == 0 || gThr == 0 {
		return failed(id, name, target, fmt.Errorf("no successful answer: direct %v, gateway %v", ds.codes(), gs.codes()))
	}
	ratio := gThr / dThr
	dP50, gP50 := ds.pct(50, is2xx), gs.pct(50, is2xx)
	bad := gs.count(not(is2xx)) + ds.count(not(is2xx))
	f := figure{ID: id, Name: name, Value: ratio, Unit: "×", Target: target, Measured: true,
		Pass: ratio >= 0.7 && bad == 0,
		Detail: fmt.Sprintf("gateway %.0f/s vs direct %.0f/s at %d workers; p50 %.0f vs %.0f µs (added %.0f µs); %d non-2xx",
			gThr, dThr, workers, us(gP50), us(dP50), us(gP50-dP50), bad),
		Extra: map[string]float64{"gatewayRps": gThr, "directRps": dThr, "gatewayP50us": us(gP50),
			"directP50us": us(dP50), "addedP50us": us(gP50 - dP50), "non2xx": float64(bad)}}
	if nThr := ns.throughput(is2xx); ns.count(not(is2xx)) == 0 {
		f.Detail += fmt.Sprintf("; floor: a null Go proxy (net/http in and out, no logic) reaches %.0f/s = %.2f× direct", nThr, nThr/dThr)
		f.Extra["nullProxyRps"], f.Extra["nullProxyRatio"] = nThr, nThr/dThr
	}
	if cpuOK {
		// CPU per request: load generator + fake (this process) and gateway.
		// Their ratio is what the throughput ratio tends to on a CPU-bound
		// machine, whatever share of it other tenants take.
		dn, gn := float64(ds.count(nil)), float64(gs.count(nil))
		dPer, gSelfPer, gGatePer := us(dCPU)/dn, us(gSelf)/gn, us(gGate)/gn
		cpuRatio := dPer / (gSelfPer + gGatePer)
		nPer := us(nCPU) / float64(ns.count(nil))
		f.Detail += fmt.Sprintf("; CPU/request: direct %.0f µs, via gateway %.0f µs (bench %.0f + gateway %.0f) → CPU-bound ratio %.2f; via null proxy %.0f µs → %.2f",
			dPer, gSelfPer+gGatePer, gSelfPer, gGatePer, cpuRatio, nPer, dPer/nPer)
		f.Extra["nullProxyCpuUsPerReq"], f.Extra["nullProxyCpuBoundRatio"] = nPer, dPer/nPer
		f.Extra["directCpuUsPerReq"], f.Extra["benchCpuUsPerReqViaGateway"] = dPer, gSelfPer
		f.Extra["gatewayCpuUsPerReq"], f.Extra["cpuBoundRatio"] = gGatePer, cpuRatio
	}
	// Added latency without queueing: both sides at the fixed -rate.
	dr, gr := dl, gw
	dr.name, gr.name = "p1-direct-at-rate", "p1-gateway-at-rate"
	dr.rate, gr.rate, dr.workers, gr.workers = b.opt.rate, b.opt.rate, 8, 8
	if dS, err := attack(ctx, dr); err == nil {
		if gS, err := attack(ctx, gr); err == nil {
			b.rep.addPhase(dS)
			b.rep.addPhase(gS)
			d50, g50 := dS.pct(50, is2xx), gS.pct(50, is2xx)
			f.Detail += fmt.Sprintf("; at %d req/s: p50 %.0f vs %.0f µs (added %.0f µs)", b.opt.rate, us(g50), us(d50), us(g50-d50))
			f.Extra["addedP50usAtRate"], f.Extra["gatewayP50usAtRate"], f.Extra["directP50usAtRate"] = us(g50-d50), us(g50), us(d50)
		}
	}
	return f
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
