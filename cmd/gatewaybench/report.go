package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// figure is one target of the bench with its measured value.
type figure struct {
	ID       string             `json:"id"`   // P1..P5
	Name     string             `json:"name"` // what is measured
	Value    float64            `json:"value"`
	Unit     string             `json:"unit"`
	Target   string             `json:"target"` // e.g. "≥ 0.70"
	Measured bool               `json:"measured"`
	Pass     bool               `json:"pass"`
	Detail   string             `json:"detail"`          // the inputs of the ratio, for people
	Extra    map[string]float64 `json:"extra,omitempty"` // the same inputs, for machines
	Err      string             `json:"error,omitempty"` // why it was not measured
}

// mark is PASS, MISS or "n/a" (not measured).
func (f figure) mark() string {
	switch {
	case !f.Measured:
		return "n/a"
	case f.Pass:
		return "PASS"
	default:
		return "MISS"
	}
}

// phaseSummary is one load phase in the JSON report.
type phaseSummary struct {
	Name       string         `json:"name"`
	Workers    uint64         `json:"workers"`
	Rate       int            `json:"rate"` // 0: max rate
	Requests   int            `json:"requests"`
	SpanMs     float64        `json:"spanMs"`
	Throughput float64        `json:"throughput"` // all answers per second
	Codes      map[string]int `json:"codes"`      // "0" = transport error
	P50us      float64        `json:"p50us"`
	P90us      float64        `json:"p90us"`
	P99us      float64        `json:"p99us"`
	MaxUs      float64        `json:"maxUs"`
	Errors     map[string]int `json:"errors,omitempty"`
}

func summarize(s *sample) phaseSummary {
	codes := map[string]int{}
	for c, n := range s.codes() {
		codes[itoa(c)] = n
	}
	lat := s.latencies(nil)
	return phaseSummary{Name: s.name, Workers: s.workers, Rate: s.rate, Requests: len(s.hits),
		SpanMs: ms(s.span), Throughput: s.throughput(nil), Codes: codes,
		P50us: us(percentile(lat, 50)), P90us: us(percentile(lat, 90)), P99us: us(percentile(lat, 99)),
		MaxUs: us(percentile(lat, 100)), Errors: s.errs}
}

// report is the JSON file the bench writes.
type report struct {
	Started      time.Time         `json:"started"`
	Seconds      float64           `json:"seconds"`
	GoVersion    string            `json:"goVersion"`
	OS           string            `json:"os"`
	Arch         string            `json:"arch"`
	CPUs         int               `json:"cpus"`
	IdentityMode string            `json:"identityMode"`
	PhaseSeconds float64           `json:"phaseSeconds"`
	Concurrency  int               `json:"concurrency"`
	Rate         int               `json:"rate"`
	GatewayEnv   map[string]string `json:"gatewayEnv,omitempty"` // -gateway-env
	Figures      []figure          `json:"figures"`
	Phases       []phaseSummary    `json:"phases"`
	Notes        []string          `json:"notes,omitempty"`
}

func newReport(identity string, phase time.Duration, concurrency, rate int) *report {
	return &report{Started: time.Now().UTC(), GoVersion: runtime.Version(), OS: runtime.GOOS,
		Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), IdentityMode: identity,
		PhaseSeconds: phase.Seconds(), Concurrency: concurrency, Rate: rate}
}

func (r *report) addPhase(s *sample) {
	if s != nil {
		r.Phases = append(r.Phases, summarize(s))
	}
}

// failed is a figure that could not be measured, with the reason.
func failed(id, name, target string, err error) figure {
	return figure{ID: id, Name: name, Target: target, Err: err.Error()}
}

// printTable writes the figures as an aligned table.
func (r *report) printTable(w io.Writer) {
	fmt.Fprintf(w, "\ngatewaybench  %s %s/%s  %d CPUs  identity=%s  phase=%gs  concurrency=%d  rate=%d/s",
		r.GoVersion, r.OS, r.Arch, r.CPUs, r.IdentityMode, r.PhaseSeconds, r.Concurrency, r.Rate)
	if len(r.GatewayEnv) > 0 {
		fmt.Fprintf(w, "  gateway env: %s", envList(r.GatewayEnv))
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFIGURE\tVALUE\tTARGET\tRESULT\tDETAIL")
	for _, f := range r.Figures {
		val := "-"
		if f.Measured {
			val = strings.TrimSpace(fmt.Sprintf("%.3g %s", f.Value, f.Unit))
		}
		detail := f.Detail
		if f.Err != "" {
			detail = "not measured: " + oneLine(f.Err, 160)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Name, val, f.Target, f.mark(), detail)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tworkers\trate\trequests\treq/s\tp50 µs\tp99 µs\tmax µs\tcodes\t")
	for _, p := range r.Phases {
		rate := "max"
		if p.Rate > 0 {
			rate = itoa(p.Rate)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t\n", p.Name, p.Workers, rate, p.Requests,
			p.Throughput, p.P50us, p.P99us, p.MaxUs, codeList(p.Codes))
	}
	_ = tw.Flush()
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func codeList(codes map[string]int) string {
	keys := make([]string, 0, len(codes))
	for k := range codes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, codes[k])
	}
	return strings.Join(parts, " ")
}

// writeJSON writes the report to path (indented).
func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// allPass reports whether every figure was measured and passed.
func (r *report) allPass() bool {
	for _, f := range r.Figures {
		if !f.Measured || !f.Pass {
			return false
		}
	}
	return len(r.Figures) > 0
}

// oneLine flattens s to one line of at most n bytes (table cells).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
