package convexclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

const apiKey = "prod:happy-animal-123|c2VjcmV0LWRlcGxveS1rZXk"

// apiEnv is a client talking to a fake deployment over loopback HTTP.
type apiEnv struct {
	srv     *convextest.Server
	c       *convexclient.Client
	counter atomic.Int64

	mu     sync.Mutex
	now    time.Time
	events []convexclient.CallEvent
	ids    []*convexclient.Identity
}

func (e *apiEnv) clock() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }

func (e *apiEnv) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

func (e *apiEnv) lastEvent() convexclient.CallEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.events[len(e.events)-1]
}

// Bindings used by the tests.
var (
	apiRegistry = convexclient.NewRegistry()
	countQ      = convexclient.NewQuery[struct{}, int64](apiRegistry, "counter:get")
	tsQ         = convexclient.NewQuery[struct{}, int64](apiRegistry, "counter:ts")
	echoQ       = convexclient.NewQuery[echoArgs, echoArgs](apiRegistry, "counter:echo")
	failQ       = convexclient.NewQuery[struct{}, string](apiRegistry, "counter:fail")
	secretQ     = convexclient.NewQuery[struct{}, string](apiRegistry, "secret:get", convexclient.Internal)
)

type echoArgs struct {
	N    int64  `json:"n"`
	Name string `json:"name"`
}

func newAPIEnv(t *testing.T, mod func(*convexclient.Config)) *apiEnv {
	t.Helper()
	e := &apiEnv{now: time.Unix(1_800_000_000, 0)}
	d := convextest.NewDeployment(convextest.Options{AdminKey: apiKey, Now: e.clock})
	d.Query("counter:get", func(context.Context, *convextest.Call) (any, error) { return e.counter.Load(), nil })
	d.Query("counter:ts", func(_ context.Context, c *convextest.Call) (any, error) { return int64(c.Timestamp), nil })
	d.Query("counter:echo", func(_ context.Context, c *convextest.Call) (any, error) {
		var a echoArgs
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		return a, nil
	})
	d.Query("counter:fail", func(context.Context, *convextest.Call) (any, error) {
		return nil, convextest.ConvexError(map[string]any{"code": "NOT_FOUND"})
	})
	d.Query("counter:big", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct{ N int64 }
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		return bytes.Repeat([]byte{0xfb}, int(a.N)), nil
	})
	d.Query("counter:whoami", func(_ context.Context, c *convextest.Call) (any, error) {
		e.mu.Lock()
		e.ids = append(e.ids, c.Identity)
		e.mu.Unlock()
		return string(c.Auth), nil
	})
	d.Mutation("counter:add", func(context.Context, *convextest.Call) (any, error) { return e.counter.Add(1), nil })
	d.Action("counter:act", func(context.Context, *convextest.Call) (any, error) { return "acted", nil })
	d.Query("secret:get", func(context.Context, *convextest.Call) (any, error) { return "s3cret", nil }, convextest.Internal())
	d.Query("lib:where", func(_ context.Context, c *convextest.Call) (any, error) { return c.Component, nil }, convextest.InComponent("waitlist"))
	e.srv = convextest.NewServer(d)
	t.Cleanup(e.srv.Close)
	cfg := convexclient.Config{URL: e.srv.URL, DeployKey: apiKey, Retry: convexclient.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond},
		OnCall: func(ev convexclient.CallEvent) { e.mu.Lock(); e.events = append(e.events, ev); e.mu.Unlock() }}
	if mod != nil {
		mod(&cfg)
	}
	c, err := convexclient.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func TestBatchTyped(t *testing.T) {
	e := newAPIEnv(t, nil)
	e.counter.Store(7)
	b := e.c.NewBatch()
	r1 := convexclient.Add(b, countQ, struct{}{})
	r2 := convexclient.Add(b, echoQ, echoArgs{N: 1 << 60, Name: "ada"})
	r3 := convexclient.Add(b, failQ, struct{}{})
	r4 := convexclient.Add(b, tsQ, struct{}{})
	r5 := convexclient.Add(b, tsQ, struct{}{})
	var raw any
	p6 := b.Query("counter:echo", map[string]any{"n": int64(2), "name": "b"}, &raw)
	if _, err := r1.Get(); !errors.Is(err, convexclient.ErrInvalidRequest) {
		t.Errorf("Get before Run: %v", err)
	}
	if b.Len() != 6 {
		t.Errorf("Len %d", b.Len())
	}
	if err := b.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, err := r1.Get(); v != 7 || err != nil {
		t.Errorf("r1 = %v, %v", v, err)
	}
	if v, err := r2.Get(); v != (echoArgs{N: 1 << 60, Name: "ada"}) || err != nil {
		t.Errorf("r2 = %+v, %v", v, err)
	}
	var fe *convexclient.FunctionError
	if v, err := r3.Get(); v != "" || !errors.As(err, &fe) || fe.Path != "counter:fail" {
		t.Errorf("r3 = %q, %v", v, err)
	} else if data, ok := convexclient.ErrorData[map[string]string](err); !ok || data["code"] != "NOT_FOUND" {
		t.Errorf("r3 data %v", data)
	}
	t4, _ := r4.Get()
	t5, _ := r5.Get()
	if t4 == 0 || t4 != t5 {
		t.Errorf("queries read at %d and %d, want one timestamp", t4, t5)
	}
	if err := p6.Err(); err != nil || raw.(map[string]any)["n"] != int64(2) {
		t.Errorf("p6 = %v, %v", raw, err)
	}
	if err := b.Run(context.Background()); !errors.Is(err, convexclient.ErrInvalidRequest) {
		t.Errorf("second Run: %v", err)
	}
	calls := e.srv.Calls()
	if len(calls) != 6 || calls[0].Endpoint != convextest.EndpointQueryBatch || calls[5].Path != "counter:echo" {
		t.Errorf("backend saw %+v", calls)
	}
	if ev := e.lastEvent(); ev.Path != "query_batch" || ev.Kind != convexclient.KindQuery || ev.Attempts != 1 || ev.Outcome != convexclient.OutcomeFunctionError {
		t.Errorf("event %+v", ev)
	}
	if err := e.c.NewBatch().Run(context.Background()); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestBatchFailures(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()

	// A whole-batch refusal (authentication) reaches every entry.
	b := e.c.NewBatch()
	r := convexclient.Add(b, countQ, struct{}{})
	err := b.Run(convexclient.WithCredential(ctx, convexclient.UserToken("a.b.c")))
	var he *convexclient.HTTPError
	if !errors.As(err, &he) || he.Status != 401 || he.Code != "InvalidAuthHeader" {
		t.Fatalf("Run = %v", err)
	}
	if _, gerr := r.Get(); gerr != err {
		t.Errorf("entry error %v", gerr)
	}

	// A malformed entry is refused before any I/O, naming its index.
	b = e.c.NewBatch()
	convexclient.Add(b, countQ, struct{}{})
	b.Query("not a path", nil, nil)
	n := len(e.srv.Calls())
	if err := b.Run(ctx); !errors.Is(err, convexclient.ErrInvalidRequest) || !strings.Contains(err.Error(), "entry 1") || len(e.srv.Calls()) != n {
		t.Errorf("bad entry: %v", err)
	}
	b = e.c.NewBatch()
	b.Query("counter:get", map[string]any{"xs": make([]any, convexclient.MaxArrayLen+1)}, nil)
	if err := b.Run(ctx); !errors.Is(err, convexclient.ErrInvalidValue) {
		t.Errorf("args over the limit: %v", err)
	}

	// Retried like a query: a 503 then success.
	e.srv.Inject("counter:get", convextest.Fault{Status: 503, Times: 1})
	b = e.c.NewBatch()
	r = convexclient.Add(b, countQ, struct{}{})
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := r.Get(); v != 0 || err != nil || e.lastEvent().Attempts != 2 {
		t.Errorf("after retry: %v, %v, %+v", v, err, e.lastEvent())
	}

	// An Internal binding makes the batch run with the deploy key.
	b = e.c.NewBatch()
	s := convexclient.Add(b, secretQ, struct{}{})
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(); v != "s3cret" || err != nil {
		t.Errorf("internal = %q, %v", v, err)
	}
}

func TestBatchRaw(t *testing.T) {
	e := newAPIEnv(t, nil)
	res, err := e.c.BatchRaw(context.Background(), []convexclient.RawQuery{
		{Path: "counter:get", Args: json.RawMessage(`{}`)},
		{Path: "counter:fail", Args: json.RawMessage(`[{}]`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"status":"success","value":{"$integer":"AAAAAAAAAAA="}}`,
		`{"status":"error","errorMessage":"[Request ID: `}
	if len(res) != 2 || string(res[0]) != want[0] || !strings.HasPrefix(string(res[1]), want[1]) || !strings.HasSuffix(string(res[1]), `"errorData":{"code":"NOT_FOUND"}}`) {
		t.Errorf("results %s", res)
	}
	if _, err := e.c.BatchRaw(context.Background(), []convexclient.RawQuery{{Path: "counter:get", Args: json.RawMessage(`5`)}}); !errors.Is(err, convexclient.ErrInvalidRequest) {
		t.Errorf("scalar args: %v", err)
	}
}

func TestSnapshot(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	snap, err := e.c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Timestamp() != convexclient.Timestamp(e.clock().UnixNano()) {
		t.Errorf("ts %d", snap.Timestamp())
	}
	if v, err := countQ.CallAt(ctx, snap, struct{}{}); v != 0 || err != nil {
		t.Fatalf("CallAt = %v, %v", v, err)
	}
	if err := e.c.Mutation(ctx, "counter:add", nil, nil); err != nil {
		t.Fatal(err)
	}
	var v int64
	if err := snap.Query(ctx, "counter:get", nil, &v); err != nil || v != 0 {
		t.Errorf("after a write, at the snapshot: %v, %v", v, err)
	}
	if v, err := countQ.Call(ctx, e.c, struct{}{}); v != 1 || err != nil {
		t.Errorf("fresh read: %v, %v", v, err)
	}
	if ts, err := tsQ.CallAt(ctx, snap, struct{}{}); convexclient.Timestamp(ts) != snap.Timestamp() || err != nil {
		t.Errorf("the function read at %d, %v", ts, err)
	}
	if v, err := secretQ.CallAt(ctx, snap, struct{}{}); v != "s3cret" || err != nil {
		t.Errorf("internal at snapshot: %q, %v", v, err)
	}
	if _, err := failQ.CallAt(ctx, snap, struct{}{}); !errors.As(err, new(*convexclient.FunctionError)) {
		t.Errorf("function error at snapshot: %v", err)
	}

	// Out of retention: its own error, not retried, not an outage.
	e.advance(10*time.Second + time.Millisecond)
	_, err = countQ.CallAt(ctx, snap, struct{}{})
	var he *convexclient.HTTPError
	if !errors.Is(err, convexclient.ErrOutOfRetention) || errors.Is(err, convexclient.ErrUnavailable) || !errors.As(err, &he) || he.Status != 503 {
		t.Fatalf("expired snapshot: %v", err)
	}
	if ev := e.lastEvent(); ev.Attempts != 1 || ev.Outcome != convexclient.OutcomeHTTPError {
		t.Errorf("expired snapshot event %+v", ev)
	}
	if e.c.State() != convexclient.StateClosed {
		t.Errorf("breaker %v", e.c.State())
	}
	fresh, err := e.c.Snapshot(ctx)
	if err != nil || fresh.Timestamp() <= snap.Timestamp() {
		t.Fatalf("new snapshot %v, %v", fresh, err)
	}
	if v, err := countQ.CallAt(ctx, fresh, struct{}{}); v != 1 || err != nil {
		t.Errorf("new snapshot read %v, %v", v, err)
	}
	// A snapshot from a known timestamp, and the raw variants.
	again := e.c.SnapshotAt(fresh.Timestamp())
	if v, err := countQ.CallAt(ctx, again, struct{}{}); v != 1 || err != nil {
		t.Errorf("SnapshotAt read %v, %v", v, err)
	}
	body, err := e.c.QueryTSRaw(ctx)
	if err != nil || string(body) != `{"ts":"`+convexclient.Timestamp(e.clock().UnixNano()).String()+`"}` {
		t.Errorf("QueryTSRaw %s, %v", body, err)
	}
	body, err = e.c.QueryAtRaw(ctx, "counter:get", json.RawMessage(`[{}]`), fresh.Timestamp().String())
	if err != nil || string(body) != `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}` {
		t.Errorf("QueryAtRaw %s, %v", body, err)
	}
	if _, err := e.c.QueryAtRaw(ctx, "counter:get", json.RawMessage(`{}`), snap.Timestamp().String()); !errors.Is(err, convexclient.ErrOutOfRetention) {
		t.Errorf("QueryAtRaw expired: %v", err)
	}
	if _, err := e.c.QueryAtRaw(ctx, "counter:get", json.RawMessage(`{}`), "junk"); !errors.As(err, &he) || he.Status != 500 {
		t.Errorf("QueryAtRaw junk ts: %v", err)
	}
	// The passthrough's callers choose the ts: their junk timestamps are
	// their fault and must not open the query breaker for everyone.
	future := convexclient.Timestamp(e.clock().Add(time.Hour).UnixNano()).String()
	for i := 0; i < 100; i++ {
		ts := "junk"
		if i%2 == 1 {
			ts = future
		}
		if _, err := e.c.QueryAtRaw(ctx, "counter:get", json.RawMessage(`{}`), ts); !errors.As(err, &he) || he.Status != 500 {
			t.Fatalf("QueryAtRaw bad ts %s: %v", ts, err)
		}
	}
	if st := e.c.State(); st != convexclient.StateClosed {
		t.Errorf("bad timestamps opened the query breaker: %v", st)
	}
}

func TestTimestamp(t *testing.T) {
	ts := convexclient.Timestamp(1767225600123456789)
	back, err := convexclient.ParseTimestamp(ts.String())
	if err != nil || back != ts {
		t.Fatalf("%v %v", back, err)
	}
	if convexclient.Timestamp(1).String() != "AQAAAAAAAAA=" {
		t.Errorf("wire form %s", convexclient.Timestamp(1))
	}
	for _, bad := range []string{"", "AQ==", "!!!!", "AQAAAAAAAAAA"} {
		if _, err := convexclient.ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) accepted", bad)
		}
	}
}

func TestRunAndFunction(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	var n int64
	if err := e.c.Run(ctx, "counter:add", nil, &n); err != nil || n != 1 {
		t.Fatalf("Run mutation: %v, %v", n, err)
	}
	if ev := e.lastEvent(); ev.Kind != convexclient.KindMutation || ev.Path != "counter:add" {
		t.Errorf("event %+v", ev)
	}
	if err := e.c.Run(ctx, "counter:get", nil, &n); err != nil || n != 1 {
		t.Errorf("Run query: %v, %v", n, err)
	}
	var s string
	if err := e.c.Run(ctx, "counter:act", nil, &s); err != nil || s != "acted" {
		t.Errorf("Run action: %q, %v", s, err)
	}
	var fe *convexclient.FunctionError
	if err := e.c.Run(ctx, "counter:nope", nil, nil); !errors.As(err, &fe) ||
		!strings.Contains(fe.Message, "Could not find function for 'counter:nope'. Did you forget to run `npx convex dev`?") {
		t.Errorf("Run missing: %v", err)
	}
	if err := e.c.Run(ctx, "secret:get", nil, &s); !errors.As(err, &fe) {
		t.Errorf("Run internal without key: %v", err)
	}
	if err := e.c.Run(convexclient.WithCredential(ctx, convexclient.Admin()), "secret:get", nil, &s); err != nil || s != "s3cret" {
		t.Errorf("Run internal as admin: %q, %v", s, err)
	}
	body, err := e.c.RunRaw(ctx, "counter:get", json.RawMessage(`{}`))
	if err != nil || string(body) != `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}` {
		t.Errorf("RunRaw %s, %v", body, err)
	}
	if e.srv.Calls()[len(e.srv.Calls())-1].Endpoint != convextest.EndpointRun {
		t.Error("RunRaw did not use /api/run")
	}
	if err := e.c.Run(ctx, "bad path!", nil, nil); !errors.Is(err, convexclient.ErrInvalidRequest) {
		t.Errorf("Run bad path: %v", err)
	}

	// Function: admin by default, components, refused for other credentials.
	if err := e.c.Function(ctx, "", "secret:get", nil, &s); err != nil || s != "s3cret" {
		t.Errorf("Function internal: %q, %v", s, err)
	}
	if err := e.c.Function(ctx, "waitlist", "lib:where", nil, &s); err != nil || s != "waitlist" {
		t.Errorf("Function component: %q, %v", s, err)
	}
	if err := e.c.Function(ctx, "waitlist", "lib:nope", nil, nil); !errors.As(err, &fe) || !strings.Contains(fe.Message, "'lib:nope' in 'waitlist'") {
		t.Errorf("Function component missing: %v", err)
	}
	n0 := len(e.srv.Calls())
	if err := e.c.Function(convexclient.WithCredential(ctx, convexclient.UserToken("a.b.c")), "", "counter:get", nil, nil); !errors.Is(err, convexclient.ErrInvalidRequest) {
		t.Errorf("Function as user: %v", err)
	}
	if err := e.c.Function(ctx, "1bad", "lib:where", nil, nil); !errors.Is(err, convexclient.ErrInvalidRequest) || len(e.srv.Calls()) != n0 {
		t.Errorf("Function bad component: %v", err)
	}
	acting := convexclient.WithCredential(ctx, convexclient.ActingAs(convexclient.Identity{Subject: "u1", Issuer: "https://gw.test"}))
	if err := e.c.Function(acting, "", "counter:get", nil, &n); err != nil {
		t.Errorf("Function acting: %v", err)
	}
	body, err = e.c.FunctionRaw(ctx, "waitlist", "lib:where", json.RawMessage(`{}`))
	if err != nil || string(body) != `{"status":"success","value":"waitlist"}` {
		t.Errorf("FunctionRaw %s, %v", body, err)
	}
	noKey := newAPIEnv(t, func(c *convexclient.Config) { c.DeployKey = "" })
	if err := noKey.c.Function(ctx, "", "counter:get", nil, nil); !errors.Is(err, convexclient.ErrNotConfigured) {
		t.Errorf("Function without a deploy key: %v", err)
	}
}

// TestLargeResult: a legal 16 MiB value (Convex counts bytes, not base64
// text) decodes: its body is about 21.4 MiB.
func TestLargeResult(t *testing.T) {
	e := newAPIEnv(t, nil)
	n := int64(16<<20 - 64)
	var got []byte
	err := e.c.Query(context.Background(), "counter:big", map[string]any{"N": n}, &got)
	if err != nil || int64(len(got)) != n || got[0] != 0xfb || got[n-1] != 0xfb {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}
	small := newAPIEnv(t, func(c *convexclient.Config) { c.MaxResponseBytes = 16 << 20 })
	if err := small.c.Query(context.Background(), "counter:big", map[string]any{"N": n}, &got); !errors.Is(err, convexclient.ErrBadResponse) {
		t.Errorf("a 16 MiB cap accepted the body: %v", err)
	}
}

// TestSelfHostedURLs: http to an allowed self-hosted host, and a reverse
// proxy's path prefix.
func TestSelfHostedURLs(t *testing.T) {
	d := convextest.NewDeployment(convextest.Options{AdminKey: apiKey})
	d.Query("m:f", func(context.Context, *convextest.Call) (any, error) { return "ok", nil })
	var paths []string
	var mu sync.Mutex
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/convex/") {
			http.NotFound(w, r)
			return
		}
		http.StripPrefix("/convex", d).ServeHTTP(w, r)
	}))
	defer proxy.Close()
	addr := proxy.Listener.Addr().String()
	// "backend:3210" is dialled at the proxy, as docker compose's DNS would.
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	for _, u := range []string{"http://backend:3210/convex", "http://backend:3210/convex/", proxy.URL + "/convex"} {
		c, err := convexclient.New(convexclient.Config{URL: u, AllowedHosts: []string{"backend"}, HTTPClient: hc})
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		var s string
		if err := c.Query(context.Background(), "m:f", nil, &s); err != nil || s != "ok" {
			t.Errorf("%s: %q, %v", u, s, err)
		}
		b := c.NewBatch()
		r := b.Query("m:f", nil, nil)
		if err := b.Run(context.Background()); err != nil || r.Err() != nil {
			t.Errorf("%s batch: %v %v", u, err, r.Err())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		if p != "/convex/api/query" && p != "/convex/api/query_batch" {
			t.Errorf("request to %s", p)
		}
	}
	if _, err := convexclient.New(convexclient.Config{URL: "http://backend:3210"}); !errors.Is(err, convexclient.ErrNotConfigured) {
		t.Errorf("http to a host not allowed: %v", err)
	}
	if _, err := convexclient.New(convexclient.Config{URL: "https://happy.convex.site", AllowedHosts: []string{"happy.convex.site"}}); err == nil {
		t.Error(".convex.site accepted")
	}
}

// TestActingAsIdentity: the standard attributes reach the function, and a
// malformed identity is refused locally.
func TestActingAsIdentity(t *testing.T) {
	e := newAPIEnv(t, nil)
	yes := true
	id := convexclient.Identity{Subject: "u1", Issuer: "https://gw.test", GivenName: "Ada", PictureURL: "https://p/a.png",
		EmailVerified: &yes, PhoneNumber: "+1", UpdatedAt: "2024-01-01T00:00:00Z", Custom: map[string]any{"role": "admin"}}
	ctx := convexclient.WithCredential(context.Background(), convexclient.ActingAs(id))
	var s string
	if err := e.c.Query(ctx, "counter:whoami", nil, &s); err != nil || s != "acting" {
		t.Fatalf("whoami %q, %v", s, err)
	}
	got := e.ids[len(e.ids)-1]
	if got.GivenName != "Ada" || got.PictureURL != "https://p/a.png" || got.EmailVerified == nil || !*got.EmailVerified ||
		got.PhoneNumber != "+1" || got.UpdatedAt != "2024-01-01T00:00:00Z" || got.Custom["role"] != "admin" || got.TokenIdentifier != "https://gw.test|u1" {
		t.Errorf("function saw %+v", got)
	}
	n := len(e.srv.Calls())
	bad := convexclient.Identity{Subject: "u1", Issuer: "i", Custom: map[string]any{"emailVerified": "yes"}}
	err := e.c.Query(convexclient.WithCredential(context.Background(), convexclient.ActingAs(bad)), "counter:whoami", nil, nil)
	if !errors.Is(err, convexclient.ErrInvalidRequest) || len(e.srv.Calls()) != n {
		t.Errorf("bad identity: %v (calls %d → %d)", err, n, len(e.srv.Calls()))
	}
}

// TestValueLimitsBeforeIO: args over Convex's limits fail locally; at the
// limits they reach the backend and are accepted.
func TestValueLimitsBeforeIO(t *testing.T) {
	e := newAPIEnv(t, nil)
	ctx := context.Background()
	nested := func(n int) map[string]any {
		var v any = 1.0
		for range n - 1 {
			v = map[string]any{"a": v}
		}
		return map[string]any{"a": v}
	}
	fields := func(n int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m["f"+strconv.Itoa(i)] = i
		}
		return m
	}
	tests := []struct {
		name string
		args map[string]any
		ok   bool
	}{
		{"8192 elements", map[string]any{"xs": make([]any, 8192)}, true},
		{"8193 elements", map[string]any{"xs": make([]any, 8193)}, false},
		{"1024 fields", fields(1024), true},
		{"1025 fields", fields(1025), false},
		{"nesting 63", nested(63), true},
		{"nesting 64", nested(64), false},
	}
	for _, tt := range tests {
		n := len(e.srv.Calls())
		err := e.c.Query(ctx, "counter:get", tt.args, nil)
		if tt.ok {
			if err != nil || len(e.srv.Calls()) != n+1 {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var le *convexclient.LimitError
		if !errors.Is(err, convexclient.ErrInvalidValue) || !errors.Is(err, convexclient.ErrInvalidRequest) || !errors.As(err, &le) || len(e.srv.Calls()) != n {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
