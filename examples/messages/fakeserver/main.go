// Command fakeserver serves the messages app's functions (package messages)
// on a fake Convex deployment, to try the config-only gateway locally:
//
//	go run ./examples/messages/fakeserver -listen 127.0.0.1:3210 -admin-key dev:local \
//	    -jwks-url http://127.0.0.1:8080/.well-known/jwks.json -issuer http://127.0.0.1:8080
//
// With -jwks-url it trusts tokens signed by the gateway, as a Convex
// deployment's customJwt provider does: it fetches the gateway's JWKS (at
// the first token, and again when a token names a key it does not know).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/messages"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:3210", "listen `address`")
	adminKey := flag.String("admin-key", os.Getenv("CONVEX_DEPLOY_KEY"), "deploy `key` accepted (default $CONVEX_DEPLOY_KEY)")
	jwksURL := flag.String("jwks-url", "", "trust Bearer tokens verified against this JWKS `URL` (the gateway's /.well-known/jwks.json)")
	issuer := flag.String("issuer", "", "the tokens' issuer (the gateway's PUBLIC_URL); required with -jwks-url")
	flag.Parse()
	if *jwksURL != "" && *issuer == "" {
		log.Fatal("fakeserver: -issuer is required with -jwks-url")
	}
	opts := convextest.Options{AdminKey: *adminKey, MaxRecordedCalls: -1}
	if *jwksURL != "" {
		opts.VerifyToken = (&remoteJWKS{url: *jwksURL, issuer: *issuer}).verify
	}
	d, err := messages.Deployment(opts, nil)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	srv := &http.Server{Handler: d, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// remoteJWKS verifies tokens against a JWKS fetched over HTTP, refetched
// at most every 10 s when verification fails (a key rotation).
type remoteJWKS struct {
	url, issuer string

	mu      sync.Mutex
	jwks    []byte
	fetched time.Time
}

func (r *remoteJWKS) verify(token string) (*convexclient.Identity, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.jwks != nil {
		id, err := convextest.JWKSVerifier(r.jwks, r.issuer, "convex", nil)(token)
		if err == nil || time.Since(r.fetched) < 10*time.Second {
			return id, err
		}
	}
	jwks, err := fetch(r.url)
	if err != nil {
		return nil, &convextest.AuthError{Code: "InvalidAuthHeader", Message: "Could not fetch the JWKS: " + err.Error()}
	}
	r.jwks, r.fetched = jwks, time.Now()
	return convextest.JWKSVerifier(r.jwks, r.issuer, "convex", nil)(token)
}

func fetch(url string) ([]byte, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, 1<<20))
}
