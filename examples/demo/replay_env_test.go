package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

// replayEnv is the real route table (testEnv) in front of a strict replay of
// one recorded scenario (examples/demo/testdata/cassettes/<scenario>.json, recorded from
// the TypeScript functions): a request the scenario does not hold, or holds
// fewer times, fails the test. Steps (replayStep) say which recording each
// request must consume; run checks after every step that exactly that one
// was consumed, so the gateway sends the recorded requests in recorded order.
type replayEnv struct {
	*testEnv
	t      *testing.T
	c      *convextest.Cassette
	rp     *convextest.ReplayServer
	client *convexclient.Client
	gw     string            // the routes over loopback HTTP (passthrough calls)
	vars   map[string]string // values saved by steps, used as {name} in paths and bodies
	used   map[int]bool      // interactions consumed so far (0-based)

	mu     sync.Mutex
	missed []string // requests no recording answered (lenient envs only)
}

// newReplayEnv builds the routes in identity mode in front of the replayed
// scenario. The replayer accepts only testDeployKey; in jwt mode (and for
// recordings made with Bearer tokens) a Bearer caller matches an acting-as
// recording of the same subject.
func newReplayEnv(t *testing.T, scenario, mode string) *replayEnv {
	t.Helper()
	return buildReplayEnv(t, scenario, mode, true)
}

// newReplayEnvLenient is newReplayEnv whose misses are collected (misses)
// instead of failing the test.
func newReplayEnvLenient(t *testing.T, scenario, mode string) *replayEnv {
	t.Helper()
	return buildReplayEnv(t, scenario, mode, false)
}

func buildReplayEnv(t *testing.T, scenario, mode string, strict bool) *replayEnv {
	t.Helper()
	c, err := convextest.LoadCassette(filepath.Join("testdata", "cassettes", scenario+".json"))
	if err != nil {
		t.Fatal(err)
	}
	r := &replayEnv{t: t, c: c, vars: map[string]string{}, used: map[int]bool{}}
	opts := convextest.ReplayOptions{
		AdminKey:     testDeployKey,
		IdentityOnly: mode == routes.IdentityJWT || scenario == "bearer",
	}
	var rp *convextest.ReplayServer
	if strict {
		rp = convextest.NewReplayServerWith(t, opts, c)
	} else {
		opts.OnMiss = func(m convextest.Miss) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.missed = append(r.missed, m.String())
		}
		rep := convextest.NewReplayer(opts, c)
		srv := httptest.NewServer(rep)
		t.Cleanup(srv.Close)
		rp = &convextest.ReplayServer{Replayer: rep, URL: srv.URL}
	}
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: testPublicURL, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	client, err := convexclient.New(convexclient.Config{URL: rp.URL, DeployKey: testDeployKey})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := auth.NewSessions(auth.SessionConfig{
		Keys:  []auth.SessionKey{{ID: "k1", Secret: bytes.Repeat([]byte("s"), 32)}},
		Store: auth.NewMemoryStore(auth.MemoryStoreConfig{}), Issuer: testPublicURL, Audience: "convexgw",
	})
	if err != nil {
		t.Fatal(err)
	}
	csrf, err := auth.NewCSRF(bytes.Repeat([]byte("c"), 32))
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{t: t, tokens: tokens, sess: sess, csrf: csrf}
	env.wire(client, mode)
	r.testEnv, r.rp, r.client = env, rp, client
	r.gw = env.gateway(t)
	return r
}

// misses returns the requests no recording answered (lenient envs).
func (r *replayEnv) misses() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.missed...)
}

// lookUp fetches the demo user <name>@demo.test as the login route does
// (auth:getUserByEmail with the deploy key) and remembers it for sessions
// and as the variable {name}.
func (r *replayEnv) lookUp(name string) {
	r.t.Helper()
	u, err := r.accounts.FindByEmail(context.Background(), name+"@demo.test")
	if err != nil || u == nil {
		r.t.Fatalf("looking up %s: %v", name, err)
	}
	r.users[name] = *u
	r.vars[name] = u.ID
}

// fill replaces every {name} in s by the variable name (escaped for a URL
// when query is true).
func (r *replayEnv) fill(s string, query bool) string {
	for k, v := range r.vars {
		if query {
			v = url.QueryEscape(v)
		}
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	if unsetVar.MatchString(s) {
		r.t.Fatalf("unset variable in %q", s)
	}
	return s
}

var (
	unusedIndex = regexp.MustCompile(` #(\d+): `) // in Replayer.Unused entries
	unsetVar    = regexp.MustCompile(`\{[a-zA-Z]+\}`)
)

// unused returns the 0-based indexes of the interactions not replayed yet.
func (r *replayEnv) unused() map[int]bool {
	out := map[int]bool{}
	for _, s := range r.rp.Unused() {
		m := unusedIndex.FindStringSubmatch(s)
		if m == nil {
			r.t.Fatalf("unparsable Unused entry %q", s)
		}
		n, _ := strconv.Atoi(m[1])
		out[n] = true
	}
	return out
}

// checkConsumed fails unless exactly the interactions in r.used have been
// replayed.
func (r *replayEnv) checkConsumed(step string) {
	r.t.Helper()
	unused := r.unused()
	for i := range r.c.Interactions {
		if r.used[i] == unused[i] {
			r.t.Fatalf("%s: interaction %d (%s) consumed=%v, want %v",
				step, i+1, r.c.Interactions[i].Request, !unused[i], r.used[i])
		}
	}
}

// recorded is interaction n (1-based, as in its requestId rec-<scenario>-n).
func (r *replayEnv) recorded(n int) convextest.Interaction {
	r.t.Helper()
	if n < 1 || n > len(r.c.Interactions) {
		r.t.Fatalf("%s has no interaction %d", r.c.Scenario, n)
	}
	return r.c.Interactions[n-1]
}

// recordedResult decodes a recorded function response body.
type recordedResult struct {
	Status    string          `json:"status"`
	Value     json.RawMessage `json:"value"`
	ErrorData *struct {
		Code string `json:"code"`
	} `json:"errorData"`
}

// passthrough sends recorded interaction n to the gateway's passthrough with
// the recorded args, path and endpoint, as the recorded caller (a Bearer
// token the gateway issued for the subject, or with cookie the session
// cookie and CSRF token of the looked-up user with that id; none when
// anonymous), and returns the gateway's status and body. The
// Convex-Request-Id is the recorded one, so a faithful answer is
// byte-identical to the recording.
func (r *replayEnv) passthrough(n int, run, cookie bool) (int, string) {
	r.t.Helper()
	req := r.recorded(n).Request
	body, err := json.Marshal(struct {
		Path   string          `json:"path,omitempty"`
		Format string          `json:"format"`
		Args   json.RawMessage `json:"args"`
	}{req.Path, "convex_encoded_json", req.Args})
	if err != nil {
		r.t.Fatal(err)
	}
	endpoint := req.Endpoint
	if run { // the path goes in the URL; the backend ignores a "path" field
		mod, fn, _ := strings.Cut(req.Path, ":")
		endpoint = "/api/run/" + mod + "/" + fn
	}
	hdr := map[string]string{routes.HeaderConvexRequestID: req.RequestID}
	switch {
	case req.Subject != "" && cookie:
		name := ""
		for k, u := range r.users {
			if u.ID == req.Subject {
				name = k
			}
		}
		if name == "" {
			r.t.Fatalf("no looked-up user has id %s", req.Subject)
		}
		ck, csrf := r.session(name)
		hdr["Cookie"] = ck.Name + "=" + ck.Value
		hdr[routes.HeaderCSRF] = csrf
	case req.Subject != "":
		_, sess, err := r.sess.Start(context.Background(), auth.SessionUser{UserID: req.Subject}, auth.ClientInfo{})
		if err != nil {
			r.t.Fatal(err)
		}
		tok, _, err := r.tokens.Issue(auth.TokenUser{Subject: req.Subject, SessionID: sess.ID})
		if err != nil {
			r.t.Fatal(err)
		}
		hdr["Authorization"] = "Bearer " + tok
	}
	return post(r.t, r.gw, endpoint, string(body), hdr)
}
