package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/convexgw/convexgw/convexclient/convextest"
)

// A request still running when the shutdown deadline passes is cut off
// (connection closed, request context cancelled) instead of being left to
// run on while the secondary runner drains and the stores close.
func TestShutdownDeadlineClosesInFlightRequests(t *testing.T) {
	fb := newFakeBackend(t, demoUsers...)
	fb.Inject("auth:getUserByEmail", convextest.Fault{Hang: true})
	cfg := testConfig(fb.URL)
	cfg.ConvexTimeout = 5 * time.Minute
	g, err := New(cfg, Options{Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		res, err := http.Post(g.URL()+"/api/auth/login", "application/json",
			strings.NewReader(`{"email":"admin@test.dev","password":"right-pass"}`))
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	for fb.InFlight() == 0 { // the login is now waiting on the hung backend
		select {
		case err := <-errc:
			t.Fatalf("login ended before the backend saw it: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := g.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want the deadline error", err)
	}
	select {
	case <-errc: // connection closed by the gateway
	case <-time.After(10 * time.Second):
		t.Fatal("in-flight request still running after Shutdown returned")
	}
	for deadline := time.Now().Add(10 * time.Second); fb.InFlight() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) { // its context should have been cancelled, ending the Convex call
			t.Fatal("the in-flight request's Convex call was not cancelled")
		}
	}
}
