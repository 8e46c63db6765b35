package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/mail"
	"github.com/convexgw/convexgw/routes"
)

// routesApp is an App with routes only.
type routesApp func(*routes.Router)

func (routesApp) Registry() *convexclient.Registry { return nil }
func (a routesApp) Routes(r *routes.Router)        { a(r) }

// waitFor polls cond until it holds or the deadline passes (a goroutine
// hand-off, not a clock).

// TestDevMailboxOverHTTP: in dev mode the flows' emails go through the
// secondary runner into the mailbox, readable at /dev/mailbox over HTTP.
func TestDevMailboxOverHTTP(t *testing.T) {
	cfg := testConfig("")
	cfg.Dev = true
	core, logs := observer.New(zap.InfoLevel)
	g, err := New(cfg, Options{Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	m := g.mail // built with the gateway's secondary runner
	if m.Mailbox == nil || m.Mailer == nil {
		t.Fatalf("dev mode: %+v", m)
	}
	defer func() { _ = g.Shutdown(context.Background()) }()

	link := m.Links.ResetPassword("sel.verifier")
	if !strings.HasPrefix(link, "http://127.0.0.1:") || !strings.HasSuffix(link, "/reset-password?token=sel.verifier") {
		t.Fatalf("link %s", link)
	}
	if err := m.Mailer.Send(t.Context(), mail.Message{To: "ada@example.org", Template: mail.ResetPassword,
		Data: mail.Data{Name: "Ada", Link: link, ExpiresAt: time.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	var got mail.Captured
	waitFor(t, "the email in the mailbox", func() bool {
		resp, err := http.Get(g.URL() + mail.MailboxLatestPath + "?to=ada@example.org")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return false
		}
		return json.NewDecoder(resp.Body).Decode(&got) == nil
	})
	if len(got.Links) != 1 || got.Links[0] != link || got.Subject != "Reset your password for "+strings.TrimPrefix(g.URL(), "http://") {
		t.Errorf("captured %+v", got)
	}
	resp, err := http.Get(g.URL() + mail.MailboxPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), link) || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("page: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	if logs.FilterMessageSnippet("DEV MAILBOX").Len() != 1 {
		t.Errorf("capture not logged")
	}
}

// flakySMTP is a plain SMTP relay on loopback that answers RCPT with the
// given replies first, then accepts.
type flakySMTP struct {
	mu      sync.Mutex
	replies []*smtp.SMTPError
	got     [][]byte
}

func startFlakySMTP(t *testing.T, replies ...*smtp.SMTPError) (*flakySMTP, string) {
	t.Helper()
	f := &flakySMTP{replies: replies}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &flakySession{f: f}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return f, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

func (f *flakySMTP) delivered() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.got) }

type flakySession struct{ f *flakySMTP }

func (s *flakySession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *flakySession) Rcpt(string, *smtp.RcptOptions) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	if len(s.f.replies) > 0 {
		r := s.f.replies[0]
		s.f.replies = s.f.replies[1:]
		return r
	}
	return nil
}
func (s *flakySession) Data(r io.Reader) error {
	var b bytes.Buffer
	_, _ = io.Copy(&b, r)
	s.f.mu.Lock()
	s.f.got = append(s.f.got, b.Bytes())
	s.f.mu.Unlock()
	return nil
}
func (s *flakySession) Reset()        {}
func (s *flakySession) Logout() error { return nil }

// TestMailRetriedBySecondary: a temporary SMTP failure (4xx) is retried by
// the secondary runner (Transient) and the email arrives once; a permanent
// one (5xx) is not retried.
func TestMailRetriedBySecondary(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		replies               []*smtp.SMTPError
		delivered             int
		retried, done, failed uint64
	}{
		{"temporary", []*smtp.SMTPError{{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "later"}}, 1, 1, 1, 0},
		{"permanent", []*smtp.SMTPError{{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no"}}, 0, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, port := startFlakySMTP(t, tc.replies...)
			cfg := testConfig("")
			cfg.SMTPURL, cfg.MailFrom = Secret("smtp://127.0.0.1:"+port+"?tls=none"), "App <no-reply@app.test>"
			cfg.MailLinkBaseURL = "https://app.test"
			g, err := New(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			runner := NewSecondary(SecondaryConfig{BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
			m, err := g.newMail(runner) // registers the delivery task
			if err != nil {
				t.Fatal(err)
			}
			runner.Start()
			if m.Mailbox != nil {
				t.Error("a mailbox outside dev mode")
			}
			if err := m.Mailer.Send(t.Context(), mail.Message{To: "ada@example.org", Template: mail.VerifyEmail,
				Data: mail.Data{Link: m.Links.VerifyEmail("tok")}}); err != nil {
				t.Fatal(err)
			}
			if err := runner.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			st := runner.Stats()
			if srv.delivered() != tc.delivered || st.Retried != tc.retried || st.Done != tc.done || st.Failed != tc.failed {
				t.Errorf("delivered %d, stats %+v", srv.delivered(), st)
			}
		})
	}
}

func TestMailOffAndTemplateCheck(t *testing.T) {
	g, err := New(testConfig(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.newMail(NewSecondary(SecondaryConfig{}))
	if err != nil || m.Mailer != nil || m.Mailbox != nil {
		t.Fatalf("no SMTP_URL outside dev: %+v %v", m, err)
	}
	if m.Links.ResetPassword("x") != g.publicURL+"/reset-password?token=x" {
		t.Errorf("links default to PUBLIC_URL: %s", m.Links.ResetPassword("x"))
	}
	if err := g.checkMail(); err != nil {
		t.Errorf("embedded templates: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "verify-email.txt"), []byte("{{.Nope}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	g.cfg.MailTemplatesDir = dir
	if err := g.checkMail(); err == nil || !strings.Contains(err.Error(), "MAIL_TEMPLATES_DIR") {
		t.Errorf("broken override: %v", err)
	}
	if _, err := g.newMail(nil); err != nil {
		t.Errorf("without a mail server the templates are not needed: %v", err)
	}
	g.cfg.Dev = true
	if _, err := g.newMail(nil); err == nil || !strings.Contains(err.Error(), "verify-email.txt") {
		t.Errorf("dev mode with a broken override: %v", err)
	}
}
