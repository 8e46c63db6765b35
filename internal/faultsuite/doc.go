// Package faultsuite holds the gateway's fault suite (issue 16): Go tests
// that run the gateway, in process or as a built binary, against a fake
// Convex backend behind a fault proxy (internal/faultproxy) and a real
// redis-server, inject the faults the issue lists (backend killed and
// restarted, hang, close, reset, 10% and 50% 5xx, HTTP 560 function
// errors, a slow backend under concurrency, secondary mutations across an
// outage, kill -9 and SIGTERM of a gateway process, Redis killed, frozen
// and restarted), assert counts and statuses (never wall-clock speed) and
// print a table (fault, expected, observed) at the end. It runs with
// `go test ./...`; the package has no non-test code.
package faultsuite
