package convextest

import (
	"context"
	"strings"
	"testing"
)

func TestServerLifecycle(t *testing.T) {
	d := NewDeployment(Options{})
	d.Query("m:f", func(context.Context, *Call) (any, error) { return 1, nil })
	s := NewServer(d)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL %s is not loopback", s.URL)
	}
	resp, err := s.Client().Post(s.URL+"/api/query", "application/json", strings.NewReader(`{"path":"m:f","args":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	s.Close()
	s.Close() // idempotent
	if _, err := s.Client().Post(s.URL+"/api/query", "application/json", strings.NewReader(`{}`)); err == nil {
		t.Error("closed server answered")
	}
}
