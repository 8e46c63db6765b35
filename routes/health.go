package routes

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// checkTimeout bounds each readiness check.
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

// readyz implements GET /readyz: every check runs concurrently with a
// timeout; 200 {"status":"ready"} when all pass, else 503 {"status":"not_ready"}.
// Check errors are written for operators: they name what is missing
// (e.g. "CONVEX_URL is not set") and never contain secrets.
func (a *API) readyz(c echo.Context) error {
	results := make(map[string]checkResult, len(a.d.Checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range a.d.Checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(c.Request().Context(), checkTimeout)
			defer cancel()
			detail, err := ch.Fn(ctx)
			r := checkResult{OK: err == nil, Detail: detail}
			if err != nil {
				r.Error = err.Error()
			}
			mu.Lock()
			results[ch.Name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
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
