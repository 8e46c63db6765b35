package routes

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// checkTimeout bounds each readiness check unless Deps.CheckTimeout is set.
const checkTimeout = 2 * time.Second

// checkResult is one check in the /readyz body.
type checkResult struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// healthz implements GET /healthz: the process is alive. No I/O.
func (a *API) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz implements GET /readyz: every check runs concurrently with its own
// deadline (Deps.CheckTimeout); 200 {"status":"ready"} when all pass, else
// 503 {"status":"not_ready"}. The answer never waits longer than the
// deadline, even for a check that ignores its context (a frozen Redis
// behind a client without deadlines): such a check is reported as timed
// out and left to finish on its own. Check errors are written for
// operators: they name what is missing (e.g. "CONVEX_URL is not set") and
// never contain secrets.
func (a *API) readyz(c echo.Context) error {
	timeout := a.d.CheckTimeout
	if timeout <= 0 {
		timeout = checkTimeout
	}
	type named struct {
		name string
		r    checkResult
	}
	done := make(chan named, len(a.d.Checks)) // buffered: a late check never blocks
	for _, ch := range a.d.Checks {
		go func() {
			ctx, cancel := context.WithTimeout(c.Request().Context(), timeout)
			defer cancel()
			detail, err := ch.Fn(ctx)
			r := checkResult{OK: err == nil, Detail: detail}
			if err != nil {
				r.Error = err.Error()
			}
			done <- named{ch.Name, r}
		}()
	}
	results := make(map[string]checkResult, len(a.d.Checks))
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
collect:
	for len(results) < len(a.d.Checks) {
		select {
		case n := <-done:
			results[n.name] = n.r
		case <-deadline.C:
			break collect
		}
	}
	for _, ch := range a.d.Checks {
		if _, ok := results[ch.Name]; !ok {
			results[ch.Name] = checkResult{Error: "timed out after " + timeout.String()}
		}
	}
	status, code := "ready", http.StatusOK
	for _, r := range results {
		if !r.OK {
			status, code = "not_ready", http.StatusServiceUnavailable
		}
	}
	return c.JSON(code, map[string]any{"status": status, "checks": results})
}

// metrics serves the Prometheus exposition, if configured.
func (a *API) metrics(c echo.Context) error {
	if a.d.MetricsHandler == nil {
		return echo.ErrNotFound
	}
	a.d.MetricsHandler.ServeHTTP(c.Response(), c.Request())
	return nil
}
