package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// nullProxy is the floor of P1: a net/http server whose handler does
// nothing but send the one captured backend request with a pooled
// http.Client and copy the answer back: an HTTP exchange in, one out, no
// session, no decoding, no logging. Whatever a gateway does costs at least
// this, so its throughput ratio in the same run bounds what P1 can reach on
// this machine.
type nullProxy struct {
	srv    *http.Server
	url    string
	client *http.Client
	to     vegeta.Target
}

// startNullProxy serves on 127.0.0.1:0, forwarding every request as to.
func startNullProxy(to vegeta.Target) (*nullProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("null proxy listen: %w", err)
	}
	p := &nullProxy{url: "http://" + ln.Addr().String(), to: to,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

func (p *nullProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := http.NewRequestWithContext(r.Context(), p.to.Method, p.to.URL, bytes.NewReader(p.to.Body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.Header = p.to.Header
	resp, err := p.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header()["Content-Type"] = resp.Header["Content-Type"]
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

func (p *nullProxy) close() {
	_ = p.srv.Close()
	p.client.CloseIdleConnections()
}

// startNullServer serves 503 + Retry-After at once on 127.0.0.1:0: the
// latency floor of P4 on this machine (an answer without any work).
func startNullServer() (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("null server listen: %w", err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":{"code":"backend_unavailable","message":"The backend is unavailable."}}`))
	})}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// nullServerEnv, set in the environment of the bench's own binary, makes it
// serve the null 503 server (startNullServer) and print its URL instead of
// benchmarking: the floor of a server in another process, as the gateway is.
const nullServerEnv = "GATEWAYBENCH_NULL_503_SERVER"

// serveNullChild is the child side: serve, print the URL, exit when stdin
// closes (the parent ended or stopped us).
func serveNullChild() int {
	srv, url, err := startNullServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(url)
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
	return 0
}

// startNullProcess runs the null 503 server in a child process (this binary
// again) and returns its URL and a function that stops it.
func startNullProcess(ctx context.Context) (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), nullServerEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	type result struct {
		line string
		err  error
	}
	ready := make(chan result, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		ready <- result{line, err}
	}()
	select {
	case r := <-ready:
		if r.err != nil {
			stop()
			return "", nil, fmt.Errorf("null server process: %w", r.err)
		}
		return strings.TrimSpace(r.line), stop, nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		stop()
		return "", nil, errors.New("null server process: no URL within 10s")
	}
}
