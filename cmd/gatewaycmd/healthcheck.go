package gatewaycmd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// healthcheck GETs /healthz on the local listen address: exit 0 when it
// answers 200, 1 otherwise. It lets a distroless image (no curl) run a
// HEALTHCHECK through the binary itself.
func healthcheck(ctx context.Context, listenAddr string, stderr io.Writer) int {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: LISTEN_ADDR: %v\n", err)
		return 1
	}
	// A wildcard address is reachable on loopback; a specific one only on itself.
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: status %d\n", resp.StatusCode)
		return 1
	}
	return 0
}
