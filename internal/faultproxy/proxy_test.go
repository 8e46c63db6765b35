package faultproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// echoServer echoes lines until the test ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line and reads it back within 300ms.
func roundTrip(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil && line != "ping\n" {
		return errors.New("garbled: " + line)
	}
	return err
}

func TestProxyModes(t *testing.T) {
	p, err := Start(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	isTimeout := func(err error) bool { var ne net.Error; return errors.As(err, &ne) && ne.Timeout() }
	for _, tt := range []struct {
		mode Mode
		ok   func(error) bool
	}{
		{Pass, func(err error) bool { return err == nil }},
		{Down, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }},
		{Pass, func(err error) bool { return err == nil }}, // back on the same address
		{Close, func(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) }},
		{Reset, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) }},
		{Hang, isTimeout},
		{Pass, func(err error) bool { return err == nil }},
	} {
		if err := p.Set(tt.mode); err != nil {
			t.Fatal(err)
		}
		if err := roundTrip(p.Addr()); !tt.ok(err) {
			t.Errorf("mode %s: %v", tt.mode, err)
		}
	}
}

// An open connection hangs when the mode switches to Hang, and flows again
// after; Reset cuts it.
func TestProxyFaultsReachOpenConnections(t *testing.T) {
	p, err := Start(echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	say := func() error {
		_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := c.Write([]byte("x\n")); err != nil {
			return err
		}
		_, err := r.ReadString('\n')
		return err
	}
	if err := say(); err != nil {
		t.Fatal(err)
	}
	_ = p.Set(Hang)
	if err := say(); err == nil {
		t.Error("hung connection answered")
	}
	_ = p.Set(Pass)
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := r.ReadString('\n'); err != nil { // the held line arrives
		t.Errorf("after Hang: %v", err)
	}
	_ = p.Set(Reset)
	if err := say(); err == nil {
		t.Error("reset connection answered")
	}
}
