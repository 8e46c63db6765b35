package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/convexgw/convexgw/convexclient"
)

// demoIssuer is the identity issuer the gateway uses in the demo setup.
const demoIssuer = "https://gateway.demo.test"

// proxyKey is the key scenarios send to the recording proxy; the proxy
// replaces it with the real deploy key, so it never matters.
const proxyKey = "recorder-placeholder-key"

// cred is the credential of one scenario call.
type cred struct {
	kind    string // "none", "admin", "acting", "bearer"
	subject string
}

func anon() cred                   { return cred{kind: "none"} }
func asAdmin() cred                { return cred{kind: "admin"} }
func asUser(id string) cred        { return cred{kind: "acting", subject: id} }
func withBearer(id string) cred    { return cred{kind: "bearer", subject: id} }
func (c cred) String() string      { return strings.TrimSpace(c.kind + " " + c.subject) }
func obj(kv ...any) map[string]any { return pairs(kv) }

func pairs(kv []any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// result is a decoded function response.
type result struct {
	HTTPStatus   int
	Status       string          `json:"status"`
	Value        json.RawMessage `json:"value"`
	ErrorMessage string          `json:"errorMessage"`
	ErrorData    json.RawMessage `json:"errorData"`
	Code         string          `json:"code"`
}

// session drives one scenario's calls through the recording proxy. The
// first failed expectation is kept in err; later calls are skipped.
type session struct {
	ctx    context.Context
	base   string
	client *http.Client
	err    error
	step   int
}

func (s *session) failf(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("step %d: "+format, append([]any{s.step}, args...)...)
	}
}

// call sends one function call and returns the decoded response.
func (s *session) call(kind convexclient.Kind, path string, args any, c cred) result {
	return s.send(kind.Endpoint(), path, args, c)
}

// run calls the function at path through /api/run/{module...}/{function}
// (the function's own kind decides).
func (s *session) run(path string, args any, c cred) result {
	module, fn, _ := strings.Cut(path, ":")
	return s.send("/api/run/"+module+"/"+fn, "", args, c)
}

// send posts {path?,format,args} to endpoint and decodes the response.
func (s *session) send(endpoint, path string, args any, c cred) result {
	s.step++
	if s.err != nil {
		return result{}
	}
	argBytes, err := convexclient.Marshal(args)
	if err != nil {
		s.failf("%s: marshal args: %v", path, err)
		return result{}
	}
	body, _ := json.Marshal(struct {
		Path   string          `json:"path,omitempty"`
		Format string          `json:"format"`
		Args   json.RawMessage `json:"args"`
	}{path, "convex_encoded_json", argBytes})
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.base+endpoint, bytes.NewReader(body))
	if err != nil {
		s.failf("%s: %v", path, err)
		return result{}
	}
	req.Header.Set("Content-Type", "application/json")
	if h := authorization(c); h != "" {
		req.Header.Set("Authorization", h)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.failf("%s: %v", path, err)
		return result{}
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		s.failf("%s: read: %v", path, err)
		return result{}
	}
	r := result{HTTPStatus: resp.StatusCode}
	if err := json.Unmarshal(rb, &r); err != nil {
		s.failf("%s: response is not JSON: %s", path, rb)
	}
	return r
}

func authorization(c cred) string {
	switch c.kind {
	case "admin":
		return "Convex " + proxyKey
	case "acting":
		enc, _ := convexclient.EncodeIdentity(convexclient.Identity{
			Subject: c.subject, Issuer: demoIssuer, TokenIdentifier: demoIssuer + "|" + c.subject,
		})
		return "Convex " + proxyKey + ":" + enc
	case "bearer":
		return "Bearer " + demoToken(c.subject)
	}
	return ""
}

// demoToken is an unsigned-looking JWT for the local runner, which decodes
// claims without verifying them (times fixed so recordings are stable).
func demoToken(sub string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{
		"aud": "convex", "exp": 4102444800, "iat": 1767225600, "iss": demoIssuer, "sub": sub,
	})
	return enc([]byte(`{"alg":"RS256","kid":"demo","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("unsigned"))
}

func (s *session) query(path string, args any, c cred) result {
	return s.call(convexclient.KindQuery, path, args, c)
}

func (s *session) mutation(path string, args any, c cred) result {
	return s.call(convexclient.KindMutation, path, args, c)
}

// ok expects success and decodes the value into out (if not nil).
func (s *session) ok(r result, out any) {
	if s.err != nil {
		return
	}
	if r.Status != "success" {
		s.failf("want success, got %d %s %s %s", r.HTTPStatus, r.Status, r.ErrorMessage, r.Code)
		return
	}
	if out != nil {
		if err := convexclient.Unmarshal(r.Value, out); err != nil {
			s.failf("decode value %s: %v", r.Value, err)
		}
	}
}

// fails expects a ConvexError with data.code == code.
func (s *session) fails(r result, code string) {
	if s.err != nil {
		return
	}
	var data struct{ Code string }
	_ = json.Unmarshal(r.ErrorData, &data)
	if r.Status != "error" || data.Code != code {
		s.failf("want ConvexError %s, got %d %s %s", code, r.HTTPStatus, r.Status, r.ErrorMessage)
	}
}

// failsWith expects an error (no errorData) whose message contains text.
func (s *session) failsWith(r result, text string) {
	if s.err != nil {
		return
	}
	if r.Status != "error" || !strings.Contains(r.ErrorMessage, text) {
		s.failf("want error containing %q, got %d %s %q", text, r.HTTPStatus, r.Status, r.ErrorMessage)
	}
}

// userID looks a demo user up as the gateway's login does and returns its id.
func (s *session) userID(email string) string {
	var u struct {
		ID string `json:"_id"`
	}
	s.ok(s.query("auth:getUserByEmail", obj("email", email), asAdmin()), &u)
	return u.ID
}

// page is a paginated result.
type page struct {
	Page           []map[string]any `json:"page"`
	IsDone         bool             `json:"isDone"`
	ContinueCursor string           `json:"continueCursor"`
}

// paginationOpts is what the gateway sends: numItems and cursor (null first).
func paginationOpts(n int, cursor string) map[string]any {
	var c any
	if cursor != "" {
		c = cursor
	}
	return obj("numItems", n, "cursor", c)
}

// id returns doc["_id"].
func id(doc map[string]any) string { s, _ := doc["_id"].(string); return s }
