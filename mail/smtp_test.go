package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/mail"
)

const (
	smtpUser = "mailer@example.com"
	smtpPass = "s3cret-smtp-Pa55"
)

// parsed is a delivered message read back as a mail client would.
type parsed struct {
	header     netmail.Header
	subject    string
	text, html string
}

func parseMIME(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a message: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: m.Header, subject: subj}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		body, _ := io.ReadAll(m.Body)
		p.text = string(body)
		return p
	}
	if mt != "multipart/alternative" {
		t.Errorf("content type %s, want multipart/alternative", mt)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(part)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.text = string(body)
		case "text/html":
			p.html = string(body)
		default:
			t.Errorf("unexpected part %s", ct)
		}
	}
	return p
}

var (
	textLinkRe = regexp.MustCompile(`https?://\S+`)
	hrefRe     = regexp.MustCompile(`href="([^"]+)"`)
)

func textLink(s string) string { return textLinkRe.FindString(s) }

func htmlLinks(s string) []string {
	var out []string
	for _, m := range hrefRe.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// smtpOutbox is an Outbox delivering synchronously through SMTP to srv.
func smtpOutbox(t *testing.T, cfg mail.SMTPConfig, log *zap.Logger) *mail.Outbox {
	t.Helper()
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	o, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: tr, From: "App <no-reply@app.example.com>",
		Site: "app.example.com", Logger: log, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func clientConfig(t *testing.T, srv *smtpServer, url string) mail.SMTPConfig {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(strings.ReplaceAll(url, "ADDR", srv.addr()))
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = &tls.Config{RootCAs: srv.pool}
	cfg.Timeout = 5 * time.Second
	return cfg
}

// TestSMTPDelivery sends each flow's email through a real SMTP server on
// loopback, over STARTTLS with AUTH and over implicit TLS, and reads the
// link back from both MIME parts.
func TestSMTPDelivery(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts serverOptions
		url  string
	}{
		{"starttls+auth", serverOptions{user: smtpUser, pass: smtpPass}, "smtp://mailer%40example.com:" + smtpPass + "@ADDR"},
		{"implicit tls+auth", serverOptions{implicitTLS: true, user: smtpUser, pass: smtpPass}, "smtps://mailer%40example.com:" + smtpPass + "@ADDR"},
		{"starttls, no auth", serverOptions{}, "smtp://ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.opts)
			core, logs := observer.New(zap.DebugLevel)
			o := smtpOutbox(t, clientConfig(t, srv, tc.url), zap.New(core))
			link := "https://app.example.com/reset-password?token=sel.ver_-ABC&x=1"
			m := mail.Message{ID: "m-1", To: "ada@example.org", Template: mail.ResetPassword,
				Data: mail.Data{Name: "Ada <b>Lovelace</b>", Link: link, ExpiresAt: time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)}}
			if err := o.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.messages()
			if len(got) != 1 {
				t.Fatalf("%d messages delivered", len(got))
			}
			r := got[0]
			if !r.tls {
				t.Error("delivered without TLS")
			}
			if r.authUser != tc.opts.user {
				t.Errorf("AUTH user %q, want %q", r.authUser, tc.opts.user)
			}
			if r.from != "no-reply@app.example.com" || len(r.to) != 1 || r.to[0] != "ada@example.org" {
				t.Errorf("envelope %s → %v", r.from, r.to)
			}
			p := parseMIME(t, r.data)
			if p.subject != "Reset your password for app.example.com" {
				t.Errorf("subject %q", p.subject)
			}
			if id := p.header.Get("Message-Id"); id != "<m-1@app.example.com>" {
				t.Errorf("Message-ID %q", id)
			}
			if p.header.Get("Auto-Submitted") != "auto-generated" {
				t.Error("no Auto-Submitted header")
			}
			if d, err := p.header.Date(); err != nil || !d.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("Date %v %v", d, err)
			}
			if got := textLink(p.text); got != link {
				t.Errorf("text link %q, want %q\n%s", got, link, p.text)
			}
			if hl := htmlLinks(p.html); len(hl) != 2 || hl[0] != link || hl[1] != link {
				t.Errorf("html links %q, want %q twice\n%s", hl, link, p.html)
			}
			if !strings.Contains(p.text, "valid for 1 hour") || !strings.Contains(p.html, "valid for 1 hour") {
				t.Errorf("expiry missing:\n%s\n%s", p.text, p.html)
			}
			if strings.Contains(p.html, "<b>Lovelace") || !strings.Contains(p.html, "Ada &lt;b&gt;Lovelace&lt;/b&gt;") {
				t.Errorf("name not escaped in HTML:\n%s", p.html)
			}
			for _, e := range logs.All() {
				line := fmt.Sprint(e.Message, e.ContextMap())
				if strings.Contains(line, "sel.ver") || strings.Contains(line, smtpPass) || strings.Contains(line, "ada@example.org") {
					t.Errorf("log line leaks a secret or the address: %s", line)
				}
			}
		})
	}
}

// TestSMTPFailures: each failure is a *SendError classified for the
// runner's retries, and no error text holds the password or the link.
func TestSMTPFailures(t *testing.T) {
	// A listener that accepts and never speaks: the timeout must end the call.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, tc := range []struct {
		name      string
		opts      serverOptions
		url       string
		untrusted bool // client without the test CA
		addr      string
		temporary bool
		code      int
	}{
		{"wrong password", serverOptions{user: smtpUser, pass: "other"}, "smtp://mailer%40example.com:" + smtpPass + "@ADDR", false, "", false, 535},
		{"no STARTTLS offered", serverOptions{noTLS: true}, "smtp://ADDR", false, "", false, 0},
		{"untrusted certificate", serverOptions{}, "smtp://ADDR", true, "", false, 0},
		{"recipient refused for now", serverOptions{rcptErr: &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}}, "smtp://ADDR", false, "", true, 451},
		{"recipient refused", serverOptions{rcptErr: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}}, "smtp://ADDR", false, "", false, 550},
		{"connection refused", serverOptions{}, "smtp://ADDR", false, "127.0.0.1:1", true, 0},
		{"server never answers", serverOptions{}, "smtp://ADDR", false, silent.Addr().String(), true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.opts)
			cfg := clientConfig(t, srv, tc.url)
			if tc.untrusted {
				cfg.TLSConfig = nil
			}
			if tc.addr != "" {
				host, port, _ := net.SplitHostPort(tc.addr)
				cfg.Host = host
				fmt.Sscan(port, &cfg.Port)
			}
			o := smtpOutbox(t, cfg, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			err := o.Send(ctx, mail.Message{To: "ada@example.org", Template: mail.VerifyEmail,
				Data: mail.Data{Link: "https://app.example.com/verify-email?token=SECRET-TOKEN"}})
			var se *mail.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *mail.SendError", err, err)
			}
			if se.Temporary() != tc.temporary || mail.Temporary(err) != tc.temporary {
				t.Errorf("Temporary() = %v, want %v (%v)", se.Temporary(), tc.temporary, err)
			}
			if se.Code != tc.code {
				t.Errorf("Code %d, want %d (%v)", se.Code, tc.code, err)
			}
			if s := fmt.Sprintf("%v %+v", err, err); strings.Contains(s, smtpPass) || strings.Contains(s, "SECRET-TOKEN") {
				t.Errorf("error leaks a secret: %s", s)
			}
			if n := len(srv.messages()); n != 0 {
				t.Errorf("%d messages delivered", n)
			}
		})
	}
}

// TestPlainRelay: tls=none reaches a relay that offers no TLS, without
// credentials.
func TestPlainRelay(t *testing.T) {
	srv := startSMTP(t, serverOptions{noTLS: true})
	o := smtpOutbox(t, clientConfig(t, srv, "smtp://ADDR?tls=none"), nil)
	if err := o.Send(context.Background(), mail.Message{To: "ada@example.org", Template: mail.PasswordChanged}); err != nil {
		t.Fatal(err)
	}
	got := srv.messages()
	if len(got) != 1 || got[0].tls {
		t.Fatalf("messages %+v", got)
	}
	p := parseMIME(t, got[0].data)
	if p.subject != "Your password was changed on app.example.com" || !strings.Contains(p.text, "password of your account was just changed") {
		t.Errorf("%q\n%s", p.subject, p.text)
	}
}
