package convextest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// maxRequestBody mirrors the backend's public API body limit (16 MiB + 2000).
const maxRequestBody = 16<<20 + 2000

// ReplayOptions configure a Replayer. The zero value is strict replay that
// answers unmatched requests with 500 {"code":"UnrecordedRequest",...}.
type ReplayOptions struct {
	// OnMiss is called (from the serving goroutine) for every request no
	// recording answers; nil means nothing is called.
	OnMiss func(Miss)
	// MissStatus is the HTTP status of the answer to an unmatched request;
	// 0 means 500.
	MissStatus int
	// Repeat answers a request whose recordings are all used with its last
	// recording again instead of a miss (for interactive use, not tests).
	Repeat bool
	// IdentityOnly matches a Bearer caller ("user") and a deploy key
	// acting as a user ("acting") alike when the subjects are equal: the
	// function sees the same identity. For replaying recordings made with
	// one identity mode against a gateway configured with the other.
	IdentityOnly bool
	// AdminKey, when set, is the only deploy key accepted in "Convex <key>"
	// headers (others get 401 BadAdminKey, as the backend answers); empty
	// accepts any key, since cassettes never hold one.
	AdminKey string
}

// Replayer is an http.Handler serving the Convex HTTP API from cassettes.
// A request matches a recording on endpoint, canonical path, canonical
// args, credential kind and subject; identical requests are answered in
// recorded order (across cassettes, in the order given). Safe for
// concurrent use.
type Replayer struct {
	opts   ReplayOptions
	mu     sync.Mutex
	all    []*replayEntry
	queues map[string][]*replayEntry
	next   map[string]int
}

type replayEntry struct {
	cassette string
	index    int
	it       Interaction
	used     bool
}

// NewReplayer returns a Replayer serving the given cassettes.
func NewReplayer(opts ReplayOptions, cassettes ...*Cassette) *Replayer {
	r := &Replayer{opts: opts, queues: map[string][]*replayEntry{}, next: map[string]int{}}
	for _, c := range cassettes {
		for i, it := range c.Interactions {
			e := &replayEntry{cassette: c.Scenario, index: i, it: it}
			r.all = append(r.all, e)
			k := r.key(it.Request)
			r.queues[k] = append(r.queues[k], e)
		}
	}
	return r
}

// key is the match key of a request under r's options.
func (r *Replayer) key(req CassetteRequest) string {
	if r.opts.IdentityOnly && req.Auth == AuthUser {
		req.Auth = AuthActing
	}
	return req.key()
}

// Unused describes the recordings not replayed yet, in cassette order.
func (r *Replayer) Unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.all {
		if !e.used {
			out = append(out, fmt.Sprintf("%s #%d: %s", e.cassette, e.index, e.it.Request))
		}
	}
	return out
}

// ServeHTTP answers POST /api/query, /api/mutation, /api/action and
// /api/function from the recordings.
func (r *Replayer) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		writeCodeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only POST is replayed")
		return
	}
	endpoint, runPath, ok := cassetteEndpoint(req.URL)
	if !ok {
		writeCodeError(w, http.StatusNotFound, "NotFound", "no route "+req.URL.Path)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		writeCodeError(w, http.StatusBadRequest, "BadJsonBody", "request body unreadable or too large")
		return
	}
	creq, cred, err := parseRequest(endpoint, runPath, req.Header.Get("Authorization"), body)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	if r.opts.AdminKey != "" && cred.Key != "" && cred.Key != r.opts.AdminKey {
		writeCodeError(w, http.StatusUnauthorized, "BadAdminKey", "The provided admin key was invalid for this instance")
		return
	}
	e, miss := r.take(creq)
	if e == nil {
		if r.opts.OnMiss != nil {
			r.opts.OnMiss(miss)
		}
		status := r.opts.MissStatus
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeCodeError(w, status, "UnrecordedRequest", miss.String())
		return
	}
	out := e.it.Response.Body
	if rid := req.Header.Get("Convex-Request-Id"); rid != "" {
		out = replaceRequestID(out, rid)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.it.Response.Status)
	_, _ = io.WriteString(w, out)
}

// take returns the next recording for creq, or describes the miss.
func (r *Replayer) take(creq CassetteRequest) (*replayEntry, Miss) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.key(creq)
	q := r.queues[k]
	if n := r.next[k]; n < len(q) {
		r.next[k] = n + 1
		q[n].used = true
		return q[n], Miss{}
	}
	if len(q) > 0 && r.opts.Repeat {
		return q[len(q)-1], Miss{}
	}
	return nil, Miss{Request: creq, Exhausted: len(q), Nearest: r.nearest(creq)}
}

var requestIDRe = regexp.MustCompile(`\[Request ID: [^\]"\\]*\]`)

// replaceRequestID puts the caller's request id into a recorded error
// message, as the backend would have.
func replaceRequestID(body, rid string) string {
	if !strings.Contains(body, "[Request ID: ") {
		return body
	}
	esc, err := json.Marshal(rid)
	if err != nil {
		return body
	}
	repl := "[Request ID: " + string(esc[1:len(esc)-1]) + "]"
	return requestIDRe.ReplaceAllLiteralString(body, repl)
}

// writeRequestError answers a request parseRequest rejected: 401
// InvalidAuthHeader for a bad Authorization header, else 400 BadJsonBody.
func writeRequestError(w http.ResponseWriter, err error) {
	if errors.Is(err, errBadAuthorization) {
		writeCodeError(w, http.StatusUnauthorized, "InvalidAuthHeader", err.Error())
		return
	}
	writeCodeError(w, http.StatusBadRequest, "BadJsonBody", err.Error())
}

// writeCodeError writes the backend's HTTP-level error shape {"code","message"}.
func writeCodeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{code, msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// ReplayServer is a Replayer on a loopback httptest server whose misses
// fail the test.
type ReplayServer struct {
	*Replayer
	// URL is the base URL of the server, e.g. http://127.0.0.1:1234.
	URL string
	srv *httptest.Server
}

// TB is the part of testing.TB the replay servers use (*testing.T and
// *testing.B satisfy it). An interface of its own keeps package testing out
// of binaries that link convextest outside tests (the gateway's dev mode).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// NewReplayServer starts strict replay of cassettes for the test t: a
// request no recording answers fails t (t.Errorf naming the request and the
// nearest recording) and gets a 500 UnrecordedRequest answer. The server is
// closed by t.Cleanup.
func NewReplayServer(t TB, cassettes ...*Cassette) *ReplayServer {
	t.Helper()
	return NewReplayServerWith(t, ReplayOptions{}, cassettes...)
}

// NewReplayServerWith is NewReplayServer with options; a miss fails t
// before opts.OnMiss (if any) is called.
func NewReplayServerWith(t TB, opts ReplayOptions, cassettes ...*Cassette) *ReplayServer {
	t.Helper()
	onMiss := opts.OnMiss
	opts.OnMiss = func(m Miss) {
		t.Errorf("convextest: %s", m)
		if onMiss != nil {
			onMiss(m)
		}
	}
	rp := NewReplayer(opts, cassettes...)
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return &ReplayServer{Replayer: rp, URL: srv.URL, srv: srv}
}

// Close shuts the server down; it is safe to call more than once.
func (s *ReplayServer) Close() { s.srv.Close() }
