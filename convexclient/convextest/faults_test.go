package convextest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestInjectStatus(t *testing.T) {
	f := newFixture(t, Options{})
	f.Inject("tasks.js:list", Fault{Status: 503, Times: 2})
	f.Inject("tasks", Fault{Status: 429, Code: "TooManyConcurrentRequests", Message: "Too many concurrent requests."})
	list := `{"path":"tasks:list","args":{}}`
	for i, want := range []string{
		`{"code":"ServiceUnavailable","message":"Injected fault"}`,
		`{"code":"ServiceUnavailable","message":"Injected fault"}`,
		"",
	} {
		status, body := doPost(t, f.URL, "/api/query", list, nil)
		if want == "" {
			if status != 200 {
				t.Errorf("call %d after Times ran out: %d %s", i, status, body)
			}
			continue
		}
		if status != 503 || body != want {
			t.Errorf("call %d: %d %s", i, status, body)
		}
	}
	for range 3 { // Times 0: until cleared
		status, body := doPost(t, f.URL, "/api/query", `{"path":"tasks","args":{}}`, nil)
		if status != 429 || body != `{"code":"TooManyConcurrentRequests","message":"Too many concurrent requests."}` {
			t.Errorf("429 fault: %d %s", status, body)
		}
	}
	f.ClearFaults()
	if status, _ := doPost(t, f.URL, "/api/query", `{"path":"tasks","args":{}}`, nil); status != 200 {
		t.Errorf("after ClearFaults: %d", status)
	}
	// "" applies to every function; a path-specific fault wins.
	f.Inject("", Fault{Status: 500})
	f.Inject("tasks:list", Fault{Status: 502})
	if status, _ := doPost(t, f.URL, "/api/query", `{"path":"tasks","args":{}}`, nil); status != 500 {
		t.Errorf("global fault: %d", status)
	}
	if status, _ := doPost(t, f.URL, "/api/query", list, nil); status != 502 {
		t.Errorf("specific fault: %d", status)
	}
	calls := f.Calls()
	if last := calls[len(calls)-1]; last.Status != 502 || last.Path != "tasks:list" {
		t.Errorf("recorded %+v", last)
	}
	f.Reset()
	if status, _ := doPost(t, f.URL, "/api/query", list, nil); status != 200 || len(f.Calls()) != 1 {
		t.Errorf("after Reset: %d, %d calls", status, len(f.Calls()))
	}
}

func TestInjectLatency(t *testing.T) {
	f := newFixture(t, Options{})
	f.Inject("tasks:list", Fault{Latency: 50 * time.Millisecond, Times: 1})
	start := time.Now()
	status, _ := doPost(t, f.URL, "/api/query", `{"path":"tasks:list","args":{}}`, nil)
	if status != 200 || time.Since(start) < 50*time.Millisecond {
		t.Errorf("status %d after %v", status, time.Since(start))
	}
}

func TestInjectReset(t *testing.T) {
	f := newFixture(t, Options{})
	f.Inject("tasks:list", Fault{Reset: true, Times: 1})
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/query", strings.NewReader(`{"path":"tasks:list","args":{}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	if status, _ := doPost(t, f.URL, "/api/query", `{"path":"tasks:list","args":{}}`, nil); status != 200 {
		t.Errorf("after reset: %d", status)
	}
	if c := f.Calls()[0]; c.Status != 0 || c.Path != "tasks:list" {
		t.Errorf("recorded %+v", c)
	}
}

func TestInjectHang(t *testing.T) {
	f := newFixture(t, Options{})
	f.Inject("tasks:list", Fault{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.URL+"/api/query", strings.NewReader(`{"path":"tasks:list","args":{}}`))
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: err %v", err)
	}

	// Server.Close releases a hung call instead of waiting forever.
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, f.URL+"/api/query", strings.NewReader(`{"path":"tasks:list","args":{}}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for f.InFlight() < 1 { // wait for the request to reach the fault
		time.Sleep(5 * time.Millisecond)
	}
	f.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not release the hung call")
	}
}
