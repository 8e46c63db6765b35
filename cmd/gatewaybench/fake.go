package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// verifyFunc verifies a Bearer JWT as Convex's customJwt provider does.
type verifyFunc = func(token string) (*convexclient.Identity, error)

// fakeBackend is the fast fake Convex deployment of the bench: the dev
// backend's functions on a convextest.Deployment, served in this process on
// loopback. It remembers the first request the gateway sends for one
// function, so the direct phase sends exactly the same request.
type fakeBackend struct {
	dep       *convextest.Deployment
	srv       *http.Server
	url       string
	deployKey string
	verify    atomic.Pointer[verifyFunc]

	capturePath string
	captured    atomic.Bool
	mu          sync.Mutex
	capHeader   http.Header
	capBody     []byte
	capURLPath  string
}

// startFake serves the dev backend on 127.0.0.1:0 with deployKey, capturing
// the gateway's first call of capturePath (e.g. "tasks:list").
func startFake(deployKey, capturePath string) (*fakeBackend, error) {
	f := &fakeBackend{deployKey: deployKey, capturePath: capturePath}
	backend := devbackend.New(devbackend.Options{})
	f.dep = backend.Deployment(convextest.Options{AdminKey: deployKey, VerifyToken: f.verifyToken})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fake backend listen: %w", err)
	}
	f.url = "http://" + ln.Addr().String()
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// setVerifier installs the Bearer token verifier (jwt identity mode).
func (f *fakeBackend) setVerifier(v verifyFunc) { f.verify.Store(&v) }

func (f *fakeBackend) verifyToken(token string) (*convexclient.Identity, error) {
	v := f.verify.Load()
	if v == nil {
		return nil, &convextest.AuthError{Code: "NoAuthProvider", Message: "no auth provider configured yet"}
	}
	return (*v)(token)
}

// ServeHTTP captures the first matching call, then serves the deployment.
func (f *fakeBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.captured.Load() && r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			f.maybeCapture(r, body)
		}
	}
	f.dep.ServeHTTP(w, r)
}

func (f *fakeBackend) maybeCapture(r *http.Request, body []byte) {
	var head struct {
		Path string `json:"path"`
	}
	if json.Unmarshal(body, &head) != nil || head.Path != f.capturePath || r.Header.Get("Authorization") == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.captured.Load() {
		return
	}
	f.capHeader = http.Header{}
	for _, k := range []string{"Authorization", "Content-Type", "Convex-Client"} {
		if v := r.Header.Get(k); v != "" {
			f.capHeader.Set(k, v)
		}
	}
	f.capBody, f.capURLPath = body, r.URL.Path
	f.captured.Store(true)
}

// capturedCall returns the captured request: URL path, headers, body.
func (f *fakeBackend) capturedCall() (string, http.Header, []byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.captured.Load() {
		return "", nil, nil, errors.New("the gateway has not called " + f.capturePath + " yet")
	}
	return f.capURLPath, f.capHeader.Clone(), bytes.Clone(f.capBody), nil
}

// forgetCalls drops the calls the deployment recorded, so its memory (in
// the bench process) stays flat over the run.
func (f *fakeBackend) forgetCalls() { f.dep.ClearCalls() }

// hang makes every call of path hang until its caller gives up.
func (f *fakeBackend) hang(path string) { f.dep.Inject(path, convextest.Fault{Hang: true}) }

// heal removes injected faults.
func (f *fakeBackend) heal() { f.dep.ClearFaults() }

// close stops the server, cutting hung calls.
func (f *fakeBackend) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil {
		_ = f.srv.Close()
	}
}
