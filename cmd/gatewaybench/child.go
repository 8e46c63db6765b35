package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// childEnv, set in the environment of the bench's own binary, makes it
// serve something in a process of its own and print its URL instead of
// benchmarking: the null servers (the floors of P1 and P4 then cross
// processes as the gateway's requests do, and their CPU time is read like
// the gateway's), or the gateway under the profiler (-cpuprofile).
const childEnv = "GATEWAYBENCH_CHILD"

// What a child serves (childEnv values).
const (
	childNull503   = "null-503"   // startNullServer
	childNullProxy = "null-proxy" // startNullProxy; the target is stdin's first line (JSON)
	childGateway   = "gateway"    // the profiled gateway; its configuration is stdin's first line (JSON)
)

// serveChild is the child side: read its configuration from stdin's first
// line when it has one, serve, print the URL (the profiled gateway: see
// serveGatewayChild), and exit when stdin closes (the parent ended or
// stopped us).
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
	case childGateway:
		return serveGatewayChild(in)
	default:
		fmt.Fprintf(os.Stderr, "unknown child %q\n", kind)
		return 2
	}
	defer stop()
	fmt.Println(url)
	_, _ = io.Copy(io.Discard, in)
	return 0
}

// child is a process of this binary serving one of the child kinds.
type child struct {
	url string
	pid int
	in  io.WriteCloser
	out *bufio.Reader
	cmd *exec.Cmd
}

// startChild runs kind in a child process (this binary again, its stderr
// the bench's), sending input (a JSON line, or nil) first, and returns once
// it printed its URL.
func startChild(ctx context.Context, kind string, input []byte) (*child, error) {
	return startChildWith(ctx, kind, os.Environ(), os.Stderr, input)
}

// startChildWith is startChild with the child's environment (childEnv is
// added) and stderr.
func startChildWith(ctx context.Context, kind string, env []string, stderr io.Writer, input []byte) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(env, childEnv+"="+kind)
	cmd.Stderr = stderr
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
	c := &child{pid: cmd.Process.Pid, in: stdin, out: bufio.NewReader(stdout), cmd: cmd}
	if input != nil {
		if _, err := stdin.Write(append(bytes.TrimSpace(input), '\n')); err != nil {
			_ = cmd.Process.Kill()
			c.stop()
			return nil, fmt.Errorf("%s process: %w", kind, err)
		}
	}
	line, err := c.readLine(20 * time.Second)
	if err != nil {
		_ = cmd.Process.Kill()
		c.stop()
		return nil, fmt.Errorf("%s process: %w", kind, err)
	}
	c.url = line
	return c, nil
}

// command sends cmd (a line) and waits for the child's "ok".
func (c *child) command(cmd string, timeout time.Duration) error {
	if _, err := io.WriteString(c.in, cmd+"\n"); err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	answer, err := c.readLine(timeout)
	if err == nil && answer != "ok" {
		err = errors.New("the child answered " + answer)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	return nil
}

// readLine reads the child's next line of output within timeout.
func (c *child) readLine(timeout time.Duration) (string, error) {
	type result struct {
		line string
		err  error
	}
	ready := make(chan result, 1)
	go func() {
		line, err := c.out.ReadString('\n')
		ready <- result{strings.TrimSpace(line), err}
	}()
	select {
	case r := <-ready:
		return r.line, r.err
	case <-time.After(timeout):
		return "", fmt.Errorf("no answer within %v", timeout)
	}
}

// stop closes the child's stdin and waits for it to exit. Safe to call
// twice.
func (c *child) stop() {
	_ = c.in.Close()
	_ = c.cmd.Wait()
}
