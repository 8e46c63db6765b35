package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestNullProxyForwardsTheCapturedRequest(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.Header.Get("Authorization") != "Convex k" || string(b) != `{"path":"tasks:list"}` {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"success","value":[]}`))
	}))
	t.Cleanup(backend.Close)
	p, err := startNullProxy(vegeta.Target{Method: "POST", URL: backend.URL + "/api/query",
		Header: http.Header{"Authorization": {"Convex k"}}, Body: []byte(`{"path":"tasks:list"}`)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.close)
	for range 3 { // the body is re-sent every time
		resp, err := http.Get(p.url + "/anything")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != `{"status":"success","value":[]}` || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%d %q %v", resp.StatusCode, b, resp.Header)
		}
	}
}

func TestNullServer(t *testing.T) {
	srv, url, err := startNullServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("%d %v", resp.StatusCode, resp.Header)
	}
}

// TestNullProxyProcess: the null proxy runs in a child process (this test
// binary, through TestMain), forwards the target it was given on stdin, and
// its CPU time can be read like the gateway's.
func TestNullProxyProcess(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"status":"success","value":null}`))
	}))
	t.Cleanup(backend.Close)
	ch, err := startNullProxyProcess(t.Context(), vegeta.Target{Method: "POST", URL: backend.URL + "/api/query",
		Header: http.Header{"Authorization": {"Bearer t"}}, Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	defer ch.stop()
	resp, err := http.Get(ch.url + "/api/tasks")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != `{"status":"success","value":null}` {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if _, err := cpuTime(ch.pid); err != nil {
		t.Fatal(err)
	}
	ch.stop()
	if _, err := cpuTime(ch.pid); err == nil {
		t.Error("the child still runs after stop")
	}
}

func TestBare503Process(t *testing.T) {
	ch, err := startChild(t.Context(), childNull503, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.stop()
	resp, err := http.Get(ch.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("%d %v", resp.StatusCode, resp.Header)
	}
}
