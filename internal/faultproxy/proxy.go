// Package faultproxy is a TCP proxy for fault tests: it sits between a
// client (the gateway) and a server (a fake Convex backend, Redis) on
// loopback and, on command, refuses connections as a killed server does,
// closes or resets them, hangs them (bytes stop flowing both ways), or
// delays every chunk. HTTP-level faults (5xx rates, HTTP 560) belong to
// convextest.Flaky; this package does what only the transport can.
//
// It is deliberately small (no Toxiproxy): one process, no control API,
// modes switched by method calls from the test, and faults that apply to
// the connections already open too (a gateway's keep-alive pool), which is
// what a killed, frozen or flapping backend does to it.
package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is what the proxy does with connections.
type Mode int32

// Modes. Switching to Down, Close or Reset also ends every open connection
// (Reset with a TCP RST); switching to Hang freezes them until another
// mode is set.
const (
	Pass  Mode = iota // forward bytes both ways
	Down              // the listener is closed: connections are refused
	Close             // accept, then close at once (EOF before any answer)
	Reset             // accept, then reset (RST)
	Hang              // accept and read, never forward or answer
)

// String names the mode.
func (m Mode) String() string {
	return [...]string{"pass", "down", "close", "reset", "hang"}[m]
}

// Proxy forwards one loopback address to a target. Safe for concurrent use.
type Proxy struct {
	addr   string // the listening address, kept across Down/Pass
	target string

	mode    atomic.Int32
	latency atomic.Int64 // per forwarded chunk

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{} // client and server sides alike
	changed chan struct{}         // closed and replaced at every mode change
	closed  bool

	accepted, live atomic.Int64
	peak           atomic.Int64
	wg             sync.WaitGroup
}

// Start listens on 127.0.0.1:0 and forwards to target (host:port).
func Start(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]struct{}{},
		changed: make(chan struct{})}
	p.wg.Add(1)
	go p.serve(ln)
	return p, nil
}

// Addr is the proxy's address (host:port); URL is http://Addr.
func (p *Proxy) Addr() string { return p.addr }

// URL is "http://" + Addr.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Accepted is the number of connections accepted so far; Peak the most
// forwarded connections open at once.
func (p *Proxy) Accepted() int64 { return p.accepted.Load() }

// Peak is the most client connections open at once since Start.
func (p *Proxy) Peak() int64 { return p.peak.Load() }

// Mode returns the current mode.
func (p *Proxy) Mode() Mode { return Mode(p.mode.Load()) }

// SetLatency delays every forwarded chunk by d (0: none).
func (p *Proxy) SetLatency(d time.Duration) { p.latency.Store(int64(d)) }

// Set switches the mode (see the Mode constants). Switching from Down
// listens again on the same address.
func (p *Proxy) Set(m Mode) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("faultproxy: closed")
	}
	old := Mode(p.mode.Swap(int32(m)))
	close(p.changed)
	p.changed = make(chan struct{})
	switch m {
	case Down, Close, Reset:
		for c := range p.conns {
			if m == Reset {
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
			}
			_ = c.Close()
		}
	}
	if m == Down && p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	if old == Down && m != Down && p.ln == nil {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
		}
		p.ln = ln
		p.wg.Add(1)
		go p.serve(ln)
	}
	return nil
}

// Close stops the proxy and ends every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		if p.ln != nil {
			_ = p.ln.Close()
		}
		for c := range p.conns {
			_ = c.Close()
		}
		close(p.changed)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.wg.Add(1)
		go p.handle(c)
	}
}

// track registers c; false when the proxy is closed (c is closed).
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

func (p *Proxy) handle(client net.Conn) {
	defer p.wg.Done()
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	n := p.live.Add(1)
	defer p.live.Add(-1)
	for pk := p.peak.Load(); n > pk && !p.peak.CompareAndSwap(pk, n); pk = p.peak.Load() {
	}
	switch p.Mode() {
	case Close, Down:
		return
	case Reset:
		if tc, ok := client.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 2*time.Second)
	if err != nil {
		if tc, ok := client.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	done := make(chan struct{}, 2)
	go func() { p.pipe(server, client); done <- struct{}{} }()
	go func() { p.pipe(client, server); done <- struct{}{} }()
	<-done // one side ended: end both
	_ = client.Close()
	_ = server.Close()
	<-done
}

// pipe copies src to dst chunk by chunk, holding each chunk while the
// proxy hangs and delaying it by the latency.
func (p *Proxy) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.pass() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// pass waits while the proxy hangs and applies the latency; false when the
// connection must end (mode Close, Reset or Down, or the proxy closed).
func (p *Proxy) pass() bool {
	for {
		p.mu.Lock()
		changed, closed := p.changed, p.closed
		p.mu.Unlock()
		if closed {
			return false
		}
		switch p.Mode() {
		case Pass:
			if d := time.Duration(p.latency.Load()); d > 0 {
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-changed:
					t.Stop()
					continue
				}
			}
			return true
		case Hang:
			<-changed
		default:
			return false
		}
	}
}
