package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
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

// startNullProxyProcess runs the null proxy forwarding as to in a child
// process.
func startNullProxyProcess(ctx context.Context, to vegeta.Target) (*child, error) {
	cfg, err := json.Marshal(to)
	if err != nil {
		return nil, err
	}
	return startChild(ctx, childNullProxy, cfg)
}
