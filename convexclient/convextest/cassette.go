package convextest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrInvalidCassette is matched (errors.Is) by every error about a cassette
// file that cannot be parsed or breaks the format of testdata/README.md.
var ErrInvalidCassette = errors.New("convextest: invalid cassette")

// Cassette is the recording of one scenario: the requests a client sent to a
// Convex deployment and the responses it got, in order. It is stored as one
// pretty-printed JSON file, testdata/cassettes/<scenario>.json.
type Cassette struct {
	Scenario     string        `json:"scenario"`
	Description  string        `json:"description"`
	Interactions []Interaction `json:"interactions"`
}

// Interaction is one request and its response.
type Interaction struct {
	Request  CassetteRequest  `json:"request"`
	Response CassetteResponse `json:"response"`
}

// CassetteRequest identifies a request without its secrets: the endpoint,
// the canonical function path, the canonical args object, the kind of
// credential and the identity subject (never a key or token).
type CassetteRequest struct {
	Endpoint  string          `json:"endpoint"`            // "/api/query", "/api/mutation", "/api/action", "/api/function", "/api/run"
	Path      string          `json:"path"`                // canonical "module:function"
	Args      json.RawMessage `json:"args"`                // canonical Convex JSON object
	Auth      AuthKind        `json:"auth"`                // none, user, admin, acting
	Subject   string          `json:"subject,omitempty"`   // identity subject for user/acting
	RequestID string          `json:"requestId,omitempty"` // Convex-Request-Id sent while recording
}

// CassetteResponse is a response as received: HTTP status and exact body bytes.
type CassetteResponse struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// String renders the request for error messages: "query tasks:list {} as acting <subject>".
func (r CassetteRequest) String() string {
	kind := strings.TrimPrefix(r.Endpoint, "/api/")
	who := string(r.Auth)
	if r.Subject != "" {
		who += " " + r.Subject
	}
	return fmt.Sprintf("%s %s %s as %s", kind, r.Path, r.Args, who)
}

// key is the exact-match key of a request in replay.
func (r CassetteRequest) key() string {
	return r.Endpoint + "\x00" + r.Path + "\x00" + string(r.Args) + "\x00" + string(r.Auth) + "\x00" + r.Subject
}

// LoadCassette reads and validates one cassette file. Args are
// re-canonicalised, so a hand-edited file with reordered keys still matches.
func LoadCassette(path string) (*Cassette, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("convextest: load cassette: %w", err)
	}
	c, err := ParseCassette(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// LoadCassettes loads every *.json file of dir, sorted by file name.
func LoadCassettes(dir string) ([]*Cassette, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("convextest: load cassettes: %w", err)
	}
	sort.Strings(names)
	out := make([]*Cassette, 0, len(names))
	for _, n := range names {
		c, err := LoadCassette(n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseCassette decodes and validates a cassette; every request's path and
// args are canonicalised.
func ParseCassette(data []byte) (*Cassette, error) {
	var c Cassette
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCassette, err)
	}
	if c.Scenario == "" {
		return nil, fmt.Errorf("%w: missing scenario name", ErrInvalidCassette)
	}
	for i := range c.Interactions {
		if err := c.Interactions[i].normalizeRequest(); err != nil {
			return nil, fmt.Errorf("%w: interaction %d: %w", ErrInvalidCassette, i, err)
		}
	}
	return &c, nil
}

func (it *Interaction) normalizeRequest() error {
	r := &it.Request
	switch r.Endpoint {
	case "/api/query", "/api/mutation", "/api/action", "/api/function", EndpointRun:
	default:
		return fmt.Errorf("unknown endpoint %q", r.Endpoint)
	}
	p, err := CanonicalPath(r.Path)
	if err != nil {
		return err
	}
	r.Path = p
	if len(r.Args) == 0 {
		return errors.New("missing args")
	}
	args, err := CanonicalArgs(r.Args)
	if err != nil {
		return err
	}
	r.Args = args
	switch r.Auth {
	case AuthNone, AuthAdmin:
		if r.Subject != "" {
			return fmt.Errorf("auth %q has no subject", r.Auth)
		}
	case AuthUser, AuthActing:
	default:
		return fmt.Errorf("unknown auth kind %q", r.Auth)
	}
	if it.Response.Status < 100 || it.Response.Status > 599 {
		return fmt.Errorf("bad response status %d", it.Response.Status)
	}
	return nil
}

// Marshal encodes the cassette in its file form: 2-space indented, fields in
// declaration order, no HTML escaping, trailing newline. Encoding the same
// cassette twice gives identical bytes.
func (c *Cassette) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	cc := *c
	if cc.Interactions == nil {
		cc.Interactions = []Interaction{}
	}
	if err := enc.Encode(&cc); err != nil {
		return nil, fmt.Errorf("convextest: encode cassette: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes the cassette to dir/<scenario>.json, creating dir.
func (c *Cassette) WriteFile(dir string) (string, error) {
	data, err := c.Marshal()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("convextest: write cassette: %w", err)
	}
	name := filepath.Join(dir, c.Scenario+".json")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return "", fmt.Errorf("convextest: write cassette: %w", err)
	}
	return name, nil
}
