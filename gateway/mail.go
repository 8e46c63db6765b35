package gateway

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/mail"
	"github.com/convexgw/convexgw/routes"
)

// Mail is the email side of the gateway, built from the configuration by
// newMail: what the account flows call to send an email, the links they
// put in it, and in dev mode the mailbox that captures it.
// build makes it once the secondary runner exists (newMail registers the
// delivery task, mail.TaskName, on it) and serves the dev mailbox.
type Mail struct {
	// Mailer sends the flows' emails through the runner; nil when the
	// gateway cannot send email (no SMTP_URL outside dev mode): the flows
	// that need email are then off.
	Mailer mail.Mailer
	// Outbox is Mailer's concrete value (nil with it), for RunTask.
	Outbox *mail.Outbox
	// Links builds the emails' URLs under MAIL_LINK_BASE_URL (default
	// PUBLIC_URL).
	Links mail.Links
	// Mailbox captures every email in dev mode (nil otherwise); serve it
	// with mailboxRoutes.
	Mailbox *mail.Mailbox
}

// validateMail checks the mail settings (no I/O: the templates directory
// is read by checkMail and newMail).
func (c Config) validateMail() []error {
	var errs []error
	if c.SMTPURL.IsSet() {
		if _, err := mail.ParseSMTPURL(c.SMTPURL.Reveal()); err != nil {
			errs = append(errs, fmt.Errorf("SMTP_URL: %w", err)) // the error never quotes the URL
		}
		if c.MailFrom == "" {
			errs = append(errs, errors.New("MAIL_FROM: required with SMTP_URL"))
		}
	}
	if c.MailFrom != "" {
		if _, err := netmail.ParseAddress(c.MailFrom); err != nil {
			errs = append(errs, fmt.Errorf("MAIL_FROM: %q is not an address (addr@example.com or Name <addr@example.com>)", c.MailFrom))
		}
	}
	if c.MailLinkBaseURL != "" {
		if _, err := mail.NewLinks(c.MailLinkBaseURL); err != nil {
			errs = append(errs, errors.New("MAIL_LINK_BASE_URL: must be an absolute http(s) URL without query or fragment"))
		}
	}
	return errs
}

// checkMail loads the mail templates (MAIL_TEMPLATES_DIR), for -check-config.
func (g *Gateway) checkMail() error {
	if _, err := mail.LoadTemplates(g.cfg.MailTemplatesDir); err != nil {
		return fmt.Errorf("MAIL_TEMPLATES_DIR: %w", err)
	}
	return nil
}

// newMail builds the mail pieces: templates (MAIL_TEMPLATES_DIR over the
// embedded ones), links (MAIL_LINK_BASE_URL or the public URL), the SMTP
// transport (SMTP_URL) and in dev mode the mailbox (with SMTP_URL too, dev
// mode delivers to both). Deliveries run on runner (the secondary runner):
// Transient retries temporary SMTP failures.
func (g *Gateway) newMail(runner *Secondary) (*Mail, error) {
	cfg := g.cfg
	base := cfg.MailLinkBaseURL
	if base == "" {
		base = g.publicURL
	}
	links, err := mail.NewLinks(base)
	if err != nil {
		return nil, fmt.Errorf("MAIL_LINK_BASE_URL: %w", err)
	}
	m := &Mail{Links: links}
	var transports mail.Tee
	if cfg.Dev {
		m.Mailbox = mail.NewMailbox(mail.MailboxConfig{Logger: g.log, Now: g.opts.Now})
		transports = append(transports, m.Mailbox)
	}
	if cfg.SMTPURL.IsSet() {
		sc, err := mail.ParseSMTPURL(cfg.SMTPURL.Reveal())
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		smtp, err := mail.NewSMTP(sc)
		if err != nil {
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		transports = append(transports, smtp)
	}
	if len(transports) == 0 {
		g.log.Info("email off: no SMTP_URL (the account flows that send email are unavailable)")
		return m, nil
	}
	tpl, err := mail.LoadTemplates(cfg.MailTemplatesDir)
	if err != nil {
		return nil, fmt.Errorf("MAIL_TEMPLATES_DIR: %w", err)
	}
	from := cfg.MailFrom
	if from == "" { // dev mode without a mail server
		from = "no-reply@" + hostOf(base)
	}
	var tr mail.Transport = transports
	if len(transports) == 1 {
		tr = transports[0]
	}
	var r mail.Runner // nil: deliver inline
	if runner != nil {
		r = runner
	}
	m.Outbox, err = mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: tr, From: from, Site: links.Site(),
		Runner: r, Logger: g.log, Now: g.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("MAIL_FROM: %w", err)
	}
	if runner != nil {
		runner.Register(mail.TaskName, m.Outbox.RunTask) // before the runner starts
	}
	m.Mailer = m.Outbox
	if cfg.Dev {
		g.log.Warn("DEV MODE: emails are captured in memory; read them at " + g.publicURL + mail.MailboxPath)
	}
	return m, nil
}

// mailboxRoutes serves the dev mailbox (dev mode only): the HTML list at
// mail.MailboxPath, the newest email to an address as JSON at
// mail.MailboxLatestPath?to=, one email's HTML at mail.MailboxMessagePath?id=.
func mailboxRoutes(mb *mail.Mailbox) func(*routes.Router) {
	h := echo.WrapHandler(mb.Handler())
	return func(r *routes.Router) {
		for _, p := range []string{mail.MailboxPath, mail.MailboxLatestPath, mail.MailboxMessagePath} {
			r.GET(p, h)
		}
	}
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Hostname() == "" {
		return "localhost"
	}
	return p.Hostname()
}
