package convextest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// maxResponseBody bounds an upstream response the recorder reads.
const maxResponseBody = 64 << 20

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// Upstream is the deployment's base URL (the local runner, or
	// https://<name>.convex.cloud). Required.
	Upstream string
	// DeployKey replaces the key of "Convex <key>[:<identity>]" headers the
	// client sent; empty forwards the client's key. It is never recorded.
	DeployKey string
	// Scenario names the cassette and the request ids ("rec-<scenario>-<n>").
	Scenario string
	// Description is stored in the cassette.
	Description string
	// Normalize selects how upstream values are made stable.
	Normalize NormalizeMode
	// Since is the recording start for NormalizeMap ("*At" times before it
	// are kept); zero means 24 hours before NewRecorder was called.
	Since time.Time
	// HTTPClient sends upstream requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// ClientName is sent as Convex-Client; empty means "convexgw-recorder-0.1.0".
	ClientName string
}

// Recorder is a recording reverse proxy: an http.Handler that forwards
// Convex HTTP API requests to an upstream deployment with the real
// credential and appends each request and response to a cassette. Requests
// are forwarded one at a time, so the cassette order is the arrival order.
// Clients see responses in their stable (normalised) form.
type Recorder struct {
	opts   RecorderOptions
	client *http.Client
	mu     sync.Mutex
	norm   *Normalizer
	tape   Cassette
}

// NewRecorder validates opts and returns a Recorder. It does no I/O.
func NewRecorder(opts RecorderOptions) (*Recorder, error) {
	u, err := url.Parse(opts.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("convextest: recorder: upstream %q is not an http(s) URL", opts.Upstream)
	}
	if opts.Scenario == "" {
		return nil, errors.New("convextest: recorder: scenario name required")
	}
	opts.Upstream = strings.TrimRight(opts.Upstream, "/")
	if opts.Since.IsZero() {
		opts.Since = time.Now().Add(-24 * time.Hour)
	}
	if opts.ClientName == "" {
		opts.ClientName = "convexgw-recorder-0.1.0"
	}
	c := opts.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	return &Recorder{
		opts: opts, client: c,
		norm: NewNormalizer(opts.Normalize, opts.Since),
		tape: Cassette{Scenario: opts.Scenario, Description: opts.Description},
	}, nil
}

// Cassette returns a copy of what has been recorded so far.
func (r *Recorder) Cassette() *Cassette {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.tape
	c.Interactions = append([]Interaction(nil), r.tape.Interactions...)
	return &c
}

// ServeHTTP forwards one request and records it.
func (r *Recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	endpoint, runPath, ok := cassetteEndpoint(req.URL)
	if !ok {
		writeCodeError(w, http.StatusNotFound, "NotFound", "the recorder only forwards /api/query, /api/mutation, /api/action, /api/function, /api/run")
		return
	}
	if req.Method != http.MethodPost {
		writeCodeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "only POST is recorded")
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
	r.mu.Lock()
	defer r.mu.Unlock()
	creq.RequestID = fmt.Sprintf("rec-%s-%d", r.opts.Scenario, len(r.tape.Interactions)+1)
	status, respBody, err := r.forward(req, creq, cred)
	if err != nil {
		writeCodeError(w, http.StatusBadGateway, "UpstreamUnavailable", err.Error())
		return
	}
	stable, err := r.norm.Response(respBody, creq.RequestID)
	if err != nil {
		writeCodeError(w, http.StatusBadGateway, "UpstreamBadResponse", err.Error())
		return
	}
	r.tape.Interactions = append(r.tape.Interactions, Interaction{
		Request:  creq,
		Response: CassetteResponse{Status: status, Body: string(stable)},
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(stable)
}

// forward sends the request upstream with the real credential.
func (r *Recorder) forward(req *http.Request, creq CassetteRequest, cred Credential) (int, []byte, error) {
	args, err := r.norm.Upstream(creq.Args)
	if err != nil {
		return 0, nil, err
	}
	body, err := json.Marshal(struct {
		Path   string          `json:"path,omitempty"`
		Format string          `json:"format"`
		Args   json.RawMessage `json:"args"`
	}{creq.Path, "convex_encoded_json", args})
	endpoint := creq.Endpoint
	if endpoint == EndpointRun { // the path goes in the URL
		module, fn, _ := strings.Cut(creq.Path, ":")
		endpoint += "/" + module + "/" + fn
		body, err = json.Marshal(struct {
			Format string          `json:"format"`
			Args   json.RawMessage `json:"args"`
		}{"convex_encoded_json", args})
	}
	if err != nil {
		return 0, nil, err
	}
	authz, err := r.upstreamAuth(cred)
	if err != nil {
		return 0, nil, err
	}
	up, err := http.NewRequestWithContext(req.Context(), http.MethodPost, r.opts.Upstream+endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	up.Header.Set("Content-Type", "application/json")
	up.Header.Set("Convex-Client", r.opts.ClientName)
	up.Header.Set("Convex-Request-Id", creq.RequestID)
	if authz != "" {
		up.Header.Set("Authorization", authz)
	}
	resp, err := r.client.Do(up)
	if err != nil {
		return 0, nil, fmt.Errorf("upstream: %w", err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return 0, nil, fmt.Errorf("upstream: %w", err)
	}
	return resp.StatusCode, rb, nil
}

// upstreamAuth builds the Authorization header sent upstream.
func (r *Recorder) upstreamAuth(cred Credential) (string, error) {
	key := cred.Key
	if r.opts.DeployKey != "" {
		key = r.opts.DeployKey
	}
	switch cred.Kind {
	case AuthAdmin:
		return "Convex " + key, nil
	case AuthActing:
		id := *cred.Identity
		id.Subject = r.norm.UpstreamString(id.Subject)
		if id.TokenIdentifier != "" && id.Issuer != "" {
			id.TokenIdentifier = id.Issuer + "|" + id.Subject
		}
		enc, err := convexclient.EncodeIdentity(id)
		if err != nil {
			return "", err
		}
		return "Convex " + key + ":" + enc, nil
	case AuthUser:
		sub := r.norm.UpstreamString(cred.Subject)
		if sub == cred.Subject {
			return "Bearer " + cred.Token, nil
		}
		tok, err := withSubject(cred.Token, sub)
		if err != nil {
			return "", err
		}
		return "Bearer " + tok, nil
	}
	return "", nil
}
