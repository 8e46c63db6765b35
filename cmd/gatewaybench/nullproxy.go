package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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

// childEnv, set in the environment of the bench's own binary, makes it
// serve one of the null servers in a process of its own and print its URL
// instead of benchmarking: the floors of P1 and P4 then cross processes as
// the gateway's requests do, and their CPU time is read like the gateway's.
const childEnv = "GATEWAYBENCH_CHILD"

// The null servers a child serves (childEnv values).
const (
	childNull503   = "null-503"   // startNullServer
	childNullProxy = "null-proxy" // startNullProxy; the target is stdin's first line (JSON)
)

// serveChild is the child side: read the null proxy's target from stdin's
// first line when needed, serve, print the URL, and exit when stdin closes
// (the parent ended or stopped us).
func serveChild(kind string) int {
	in := bufio.NewReader(os.Stdin)
	var url string
	var stop func()
	switch kind {
	case childNull503:
		srv, u, err := startNullServer()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		url, stop = u, func() { _ = srv.Close() }
	case childNullProxy:
		line, err := in.ReadBytes('\n')
		var to vegeta.Target
		if err == nil {
			err = json.Unmarshal(line, &to)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "null proxy target: %v\n", err)
			return 1
		}
		p, err := startNullProxy(to)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		url, stop = p.url, p.close
	default:
		fmt.Fprintf(os.Stderr, "unknown child %q\n", kind)
		return 2
	}
	fmt.Println(url)
	_, _ = io.Copy(io.Discard, in)
	stop()
	return 0
}

// child is a null server in a process of its own.
type child struct {
	url  string
	pid  int
	stop func() // closes its stdin and waits for it to exit
}

// startChild runs the null server kind in a child process (this binary
// again, its output to the bench's stderr), sending input (a JSON line, or
// nil) first, and returns once it printed its URL.
func startChild(ctx context.Context, kind string, input []byte) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), childEnv+"="+kind)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = childAttrs()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	if input != nil {
		if _, err := stdin.Write(append(bytes.TrimSpace(input), '\n')); err != nil {
			_ = cmd.Process.Kill()
			stop()
			return nil, fmt.Errorf("%s process: %w", kind, err)
		}
	}
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
			return nil, fmt.Errorf("%s process: %w", kind, r.err)
		}
		return &child{url: strings.TrimSpace(r.line), pid: cmd.Process.Pid, stop: stop}, nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		stop()
		return nil, fmt.Errorf("%s process: no URL within 10s", kind)
	}
}

// startNullProxyProcess runs the null proxy forwarding as to in a child
// process.
func startNullProxyProcess(ctx context.Context, to vegeta.Target) (*child, error) {
	cfg, err := json.Marshal(to)
	if err != nil {
		return nil, err
	}
	return startChild(ctx, childNullProxy, cfg)
}
