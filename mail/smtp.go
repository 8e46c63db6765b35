package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP delivers emails to a mail server, one connection per email (the
// account flows send few). It uses github.com/wneessen/go-mail: MIME
// multipart/alternative bodies (quoted-printable), STARTTLS or implicit
// TLS, SMTP AUTH with the strongest mechanism offered (SCRAM, CRAM-MD5,
// PLAIN, LOGIN; never without TLS), timeouts on the connection and on each
// command. It is immutable and safe for concurrent use.
type SMTP struct {
	cfg SMTPConfig
	tls *tls.Config
}

// NewSMTP checks cfg (a host is required).
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("%w: a host is required", ErrSMTPURL)
	}
	if cfg.Security == NoTLS && cfg.Username != "" {
		return nil, fmt.Errorf("%w: credentials are never sent without TLS", ErrSMTPURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	tc := &tls.Config{}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &SMTP{cfg: cfg, tls: tc}, nil
}

// Deliver implements Transport. Errors are *SendError (temporary for 4xx
// answers, network failures and timeouts; final for 5xx answers, a refused
// certificate or a server without STARTTLS); their text never holds the
// password or the email's bodies.
func (s *SMTP) Deliver(ctx context.Context, e Email) error {
	msg, err := s.message(e)
	if err != nil {
		return &SendError{msg: err.Error()}
	}
	timeout := s.cfg.Timeout
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl); left < timeout {
			timeout = max(left, time.Millisecond)
		}
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.port()), gomail.WithTimeout(timeout), gomail.WithTLSConfig(s.tls)}
	switch s.cfg.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &SendError{msg: "smtp client: " + s.scrub(err.Error())}
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return s.sendError(ctx, err)
	}
	return nil
}

func (s *SMTP) message(e Email) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(e.From); err != nil {
		return nil, errors.New("bad From address")
	}
	if err := m.To(e.To); err != nil {
		return nil, errors.New("bad To address")
	}
	m.Subject(e.Subject)
	if e.MessageID != "" {
		m.SetMessageIDWithValue(e.MessageID)
	} else {
		m.SetMessageID()
	}
	if e.Date.IsZero() {
		m.SetDate()
	} else {
		m.SetDateWithValue(e.Date)
	}
	m.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if e.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, e.HTML)
	}
	return m, nil
}

// SendError is a failed delivery. Temporary says whether a retry may
// succeed; Code is the server's SMTP reply code (0 when there was none).
type SendError struct {
	Code int
	temp bool
	msg  string
}

// Error implements error.
func (e *SendError) Error() string { return "mail: delivery failed: " + e.msg }

// Temporary reports whether the failure may pass (a 4xx answer, the
// network, a timeout): worth another attempt later.
func (e *SendError) Temporary() bool { return e.temp }

// Temporary reports whether err holds a failure worth another attempt
// (see SendError.Temporary).
func Temporary(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.temp
}

// sendError classifies a go-mail error.
func (s *SMTP) sendError(ctx context.Context, err error) *SendError {
	se := &SendError{msg: s.scrub(strings.Join(strings.Fields(err.Error()), " "))}
	var gse *gomail.SendError
	var tpe *textproto.Error
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &certErr), errors.As(err, &recErr):
		se.temp = false // a TLS configuration problem: a retry will not help
	case errors.As(err, &gse):
		se.Code, se.temp = gse.ErrorCode(), gse.IsTemp()
		if se.Code == 0 { // no reply code: a broken connection
			se.temp = true
		}
	case errors.As(err, &tpe):
		se.Code, se.temp = tpe.Code, tpe.Code >= 400 && tpe.Code < 500
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled) && ctx.Err() == nil,
		errors.As(err, &ne):
		se.temp = true
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		se.temp = false
	default:
		se.temp = strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "connection reset")
	}
	return se
}

// scrub removes the credentials from a message, in case a server or a
// library echoed them.
func (s *SMTP) scrub(msg string) string {
	for _, secret := range []string{s.cfg.Password} {
		if len(secret) >= 3 {
			msg = strings.ReplaceAll(msg, secret, "[redacted]")
		}
	}
	return msg
}
