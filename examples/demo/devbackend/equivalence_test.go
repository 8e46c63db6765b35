package devbackend_test

// The dev backend must answer like the TypeScript functions: every
// recorded request (testdata/cassettes, recorded from convex/ through the
// Node runner) is replayed against a Backend on a real convextest
// deployment over loopback, and each answer is compared with the recorded
// one. Ids, cursors, _creationTime values and request ids are normalised
// per stream in order of first appearance, and recorded ids/cursors in
// later requests are translated to the dev backend's, so the comparison
// also holds for the dev backend's own id style.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

const equivKey = "equivalence-admin-key"

var (
	cursorRe  = regexp.MustCompile(`"continueCursor":"((?:[^"\\]|\\.)*)"`)
	idRe      = regexp.MustCompile(`\b(?:[0-9]{5,}[A-Za-z_][A-Za-z0-9_]*|[0-9a-hjkmnp-tv-z]{31,37})\b`)
	creTimeRe = regexp.MustCompile(`"_creationTime":(-?[0-9.eE+-]+)`)
	ridRe     = regexp.MustCompile(`\[Request ID: [^\]]*\]`)
)

// stream maps one side's made-up values to ordinal placeholders.
type stream struct {
	ids, cursors, times map[string]int
	idList, cursorList  []string
}

func newStream() *stream {
	return &stream{ids: map[string]int{}, cursors: map[string]int{}, times: map[string]int{}}
}

func ordinal(m map[string]int, list *[]string, v string) int {
	n, ok := m[v]
	if !ok {
		n = len(m) + 1
		m[v] = n
		if list != nil {
			*list = append(*list, v)
		}
	}
	return n
}

// normalize rewrites a response body into comparable form.
func (s *stream) normalize(body string) string {
	body = ridRe.ReplaceAllString(body, "[Request ID: RID]")
	body = cursorRe.ReplaceAllStringFunc(body, func(m string) string {
		c := cursorRe.FindStringSubmatch(m)[1]
		return fmt.Sprintf(`"continueCursor":"CURSOR%d"`, ordinal(s.cursors, &s.cursorList, c))
	})
	body = creTimeRe.ReplaceAllStringFunc(body, func(m string) string {
		return fmt.Sprintf(`"_creationTime":T%d`, ordinal(s.times, nil, creTimeRe.FindStringSubmatch(m)[1]))
	})
	return idRe.ReplaceAllStringFunc(body, func(id string) string {
		return fmt.Sprintf("ID%d", ordinal(s.ids, &s.idList, id))
	})
}

// translate maps a recorded value (args text or subject) to the dev
// backend's values through the ordinals both streams agree on.
func translate(text string, rec, dev *stream) string {
	for c, n := range rec.cursors {
		if n <= len(dev.cursorList) {
			text = strings.ReplaceAll(text, `"cursor":"`+c+`"`, `"cursor":"`+dev.cursorList[n-1]+`"`)
		}
	}
	return idRe.ReplaceAllStringFunc(text, func(id string) string {
		if n, ok := rec.ids[id]; ok && n <= len(dev.idList) {
			return dev.idList[n-1]
		}
		return id
	})
}

// unverifiedToken accepts any Bearer JWT, like the Node runner.
func unverifiedToken(tok string) (*convexclient.Identity, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("malformed jwt")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var c struct{ Iss, Sub string }
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &convexclient.Identity{Subject: c.Sub, Issuer: c.Iss, TokenIdentifier: c.Iss + "|" + c.Sub}, nil
}

func authorization(t *testing.T, kind convextest.AuthKind, subject string) string {
	const iss = "https://gateway.demo.test"
	switch kind {
	case convextest.AuthAdmin:
		return "Convex " + equivKey
	case convextest.AuthActing:
		enc, err := convexclient.EncodeIdentity(convexclient.Identity{Subject: subject, Issuer: iss, TokenIdentifier: iss + "|" + subject})
		if err != nil {
			t.Fatal(err)
		}
		return "Convex " + equivKey + ":" + enc
	case convextest.AuthUser:
		enc := base64.RawURLEncoding.EncodeToString
		claims, _ := json.Marshal(map[string]any{"aud": "convex", "exp": 4102444800, "iat": 1767225600, "iss": iss, "sub": subject})
		return "Bearer " + enc([]byte(`{"alg":"RS256","kid":"demo"}`)) + "." + enc(claims) + ".c2ln"
	}
	return ""
}

func TestEquivalenceWithRecordings(t *testing.T) {
	cassettes, err := convextest.LoadCassettes(filepath.Join("..", "testdata", "cassettes"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cassettes) == 0 {
		t.Fatal("no cassettes in testdata/cassettes")
	}
	styles := []devbackend.IDStyle{devbackend.ConvexTestIDs, devbackend.ConvexIDs}
	for _, style := range styles {
		for _, c := range cassettes {
			t.Run(style.String()+"/"+c.Scenario, func(t *testing.T) {
				t.Parallel()
				replayAgainstDev(t, c, style)
			})
		}
	}
}

func replayAgainstDev(t *testing.T, c *convextest.Cassette, style devbackend.IDStyle) {
	b := devbackend.New(devbackend.Options{RunnerClock: true, IDs: style})
	srv := convextest.NewServer(b.Deployment(convextest.Options{AdminKey: equivKey, VerifyToken: unverifiedToken}))
	defer srv.Close()
	rec, dev := newStream(), newStream()
	for i, it := range c.Interactions {
		r := it.Request
		args := translate(string(r.Args), rec, dev)
		subject := translate(r.Subject, rec, dev)
		body := `{"path":` + mustQuote(r.Path) + `,"format":"convex_encoded_json","args":` + args + `}`
		endpoint := r.Endpoint
		if endpoint == convextest.EndpointRun { // recorded with the function path; it goes in the URL
			module, fn, _ := strings.Cut(r.Path, ":")
			endpoint += "/" + module + "/" + fn
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+endpoint, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Convex-Client", "convexgw-equivalence-0.1.0")
		if r.RequestID != "" {
			req.Header.Set("Convex-Request-Id", r.RequestID)
		}
		if h := authorization(t, r.Auth, subject); h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := it.Response
		wantN, gotN := rec.normalize(want.Body), dev.normalize(string(got))
		if resp.StatusCode != want.Status || wantN != gotN {
			t.Errorf("%s #%d %s\n status: recorded %d, dev %d\n recorded: %s\n      dev: %s",
				c.Scenario, i, r, want.Status, resp.StatusCode, wantN, gotN)
			continue
		}
		if style == devbackend.ConvexTestIDs && string(got) != want.Body {
			t.Errorf("%s #%d %s: equal only after normalisation (convex-test ids and runner clock should give identical bytes)\n recorded: %s\n      dev: %s",
				c.Scenario, i, r, want.Body, got)
		}
	}
}

func mustQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
