package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/convexgw/convexgw/convexclient/convextest"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// options are the command's flags.
type options struct {
	duration    time.Duration // per measured phase
	out         string        // JSON results path
	rate        int           // requests/s of the latency phases (P3, P4)
	concurrency int           // workers of the throughput phase (P1)
	soak        time.Duration // length of P5's soak phase
	identity    string        // admin or jwt
	callTimeout time.Duration // gateway CONVEX_TIMEOUT (P4)
	logLevel    string        // gateway LOG_LEVEL
	cpuprofile  string        // profile mode: in-process gateway, CPU profile of P1's proxied load
	// profileLogin profiles P2's logins instead of the proxied query.
	profileLogin bool
	only         map[string]bool // -only: figures to measure (empty: all)
	gatewayEnv   envList         // extra gateway environment (-gateway-env), applied last
	keep         bool            // keep the temporary directory (binary, logs)
	failOnMiss   bool            // exit 3 when a figure misses
}

// bench is one run: the fake backend, the gateway process and the report.
type bench struct {
	opt  options
	log  io.Writer // progress
	dir  string
	fake *fakeBackend
	gw   *proc
	base string // gateway URL
	// issuer is the gateway's PUBLIC_URL: the issuer of its Convex tokens
	// and the Origin of its pages.
	issuer string
	sess   session // the member's session
	// tasksErr is why GET /api/tasks cannot be measured (nil: it can).
	tasksErr error
	rep      *report
}

// setup builds the gateway, starts the fake and the gateway on loopback,
// logs in as the member and checks GET /api/tasks once (which also lets the
// fake capture the gateway's tasks:list call for the direct phase).
func (b *bench) setup(ctx context.Context) error {
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	b.progress("building ./examples/demo/cmd/demogateway")
	bin, err := buildGateway(ctx, root, b.dir)
	if err != nil {
		return err
	}
	b.fake, err = startFake("dev:bench"+randomHex(8), "tasks:list")
	if err != nil {
		return err
	}
	s := gwSettings{convexURL: b.fake.url, deployKey: b.fake.deployKey, identityMode: b.opt.identity,
		callTimeout: b.opt.callTimeout, logLevel: b.opt.logLevel}
	if s.identityMode == "jwt" {
		if s.signingKeyFile, err = writeSigningKey(b.dir); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ { // the free port may be taken in between: retry
		if s.listenAddr, err = freeAddr(); err != nil {
			return err
		}
		env := s.env()
		for k, v := range b.opt.gatewayEnv {
			env[k] = v
		}
		b.gw, err = startProc(bin, nil, environ(env), filepath.Join(b.dir, fmt.Sprintf("gateway-%d.log", attempt)))
		if err != nil {
			return err
		}
		b.base = "http://" + s.listenAddr
		b.progress("gateway pid %d on %s (identity %s), fake backend on %s", b.gw.pid(), b.base, s.identityMode, b.fake.url)
		err = waitHealthy(ctx, b.gw, b.base+"/healthz", 20*time.Second)
		if err == nil || attempt == 3 || ctx.Err() != nil || !strings.Contains(err.Error(), "address already in use") {
			break
		}
		b.gw.stop(time.Second)
	}
	if err != nil {
		return err
	}
	b.issuer = b.base
	if err := b.signIn(ctx, s.identityMode); err != nil {
		return err
	}
	if err := ensureTasks(ctx, b.base, b.issuer, b.sess, benchTasks); err != nil {
		// Figures that need the proxied route say why they were not measured.
		b.tasksErr = fmt.Errorf("proxied route unusable: %w", err)
		b.progress("%v", b.tasksErr)
	}
	return nil
}

// benchTasks is the length of the member's task list, the proxied route's
// answer: the seed's 8 and 2 more the bench creates, as a new user's list
// might be.
const benchTasks = 10

// signIn prepares the proxied route's caller: in jwt mode the fake learns
// the gateway's JWKS first, then the member logs in and b.sess is set.
func (b *bench) signIn(ctx context.Context, identityMode string) error {
	if identityMode == "jwt" {
		if err := b.trustGatewayJWKS(ctx); err != nil {
			return err
		}
	}
	var err error
	b.sess, err = login(ctx, b.base, cookieAccount)
	return err
}

// trustGatewayJWKS makes the fake verify the gateway's tokens through the
// JWKS the gateway serves, as Convex's customJwt provider does.
func (b *bench) trustGatewayJWKS(ctx context.Context) error {
	jwks, err := getOK(ctx, b.base+"/.well-known/jwks.json", "")
	if err != nil {
		return err
	}
	if !json.Valid(jwks) {
		return fmt.Errorf("gateway JWKS is not JSON")
	}
	b.fake.setVerifier(convextest.JWKSVerifier(jwks, b.issuer, "convex", time.Now))
	return nil
}

// teardown stops the gateway and the fake; safe after a failed setup.
func (b *bench) teardown() {
	if b.gw != nil {
		b.gw.stop(5 * time.Second)
	}
	if b.fake != nil {
		b.fake.close()
	}
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.log, "gatewaybench: "+format+"\n", args...)
}

// tasksTarget is the proxied query: GET /api/tasks with the member's session.
func (b *bench) tasksTarget() vegeta.Target {
	return vegeta.Target{Method: http.MethodGet, URL: b.base + "/api/tasks", Header: http.Header{"Cookie": {b.sess.cookie}}}
}

// directTarget is the same tasks:list call the gateway makes, sent straight
// to the fake with the member's credential as the gateway sent it.
func (b *bench) directTarget() (vegeta.Target, error) {
	path, hdr, body, err := b.fake.capturedCall()
	if err != nil {
		return vegeta.Target{}, err
	}
	return vegeta.Target{Method: http.MethodPost, URL: b.fake.url + path, Header: hdr, Body: body}, nil
}

// run measures every figure in an order that keeps them independent: the
// fail-fast phase, which leaves the breaker open, comes last.
func (b *bench) run(ctx context.Context) {
	steps := []struct {
		id, name, target string
		needsTasks       bool
		fn               func(context.Context) figure
	}{
		{"P1", "gateway/null-proxy throughput", "≥ 0.85", true, b.proxiedQuery},
		{"P2", "login/bcrypt bound", "≥ 0.90", false, b.loginThroughput},
		{"P3", "storm p99 / unloaded p99", "≤ 2.0, 0 failures", true, b.stormIsolation},
		{"P5", "peak RSS at 256 connections; soak growth", "≤ 64 MiB; ≤ 10 %", true, b.memory},
		{"P4", "fail-fast p99 / bare-503 p99", "≤ 1.5", true, b.failFast},
	}
	for _, step := range steps {
		if ctx.Err() != nil {
			return
		}
		if len(b.opt.only) > 0 && !b.opt.only[step.id] {
			continue
		}
		b.fake.forgetCalls()
		var f figure
		if step.needsTasks && b.tasksErr != nil {
			f = failed(step.id, step.name, step.target, b.tasksErr)
		} else {
			f = step.fn(ctx)
		}
		if f.Measured {
			b.progress("%s %s: %.3g %s (target %s) %s", f.ID, f.Name, f.Value, f.Unit, f.Target, f.mark())
		} else {
			b.progress("%s %s: not measured: %s", f.ID, f.Name, f.Err)
		}
		b.rep.Figures = append(b.rep.Figures, f)
	}
}

// mkTemp makes the run's temporary directory.
func mkTemp() (string, error) {
	dir, err := os.MkdirTemp("", "gatewaybench-")
	if err != nil {
		return "", fmt.Errorf("temp dir: %w", err)
	}
	return dir, nil
}
