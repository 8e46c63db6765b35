package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Security is how the SMTP connection is protected.
type Security int

const (
	// StartTLS connects in plain text and requires STARTTLS before
	// anything else (smtp://, port 587 by default).
	StartTLS Security = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465).
	ImplicitTLS
	// NoTLS never encrypts (smtp://host?tls=none): only for a relay on a
	// trusted network, and never with credentials.
	NoTLS
)

// String implements fmt.Stringer.
func (s Security) String() string {
	switch s {
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "tls"
	case NoTLS:
		return "none"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// SMTPConfig is how to reach the mail server. Its String, GoString and
// Format methods never print the password.
type SMTPConfig struct {
	Host     string
	Port     int // 0: 587 for StartTLS and NoTLS, 465 for ImplicitTLS
	Security Security
	// Username and Password for SMTP AUTH (the strongest mechanism both
	// sides support); an empty Username sends no AUTH.
	Username, Password string
	// Timeout bounds the connection and each SMTP command (0: 15s); a
	// context deadline that comes sooner wins.
	Timeout time.Duration
	// TLSConfig, if set, is used for the TLS connection (private CAs,
	// tests); ServerName defaults to Host and MinVersion to TLS 1.2.
	TLSConfig *tls.Config
	// HELO is the name given in EHLO ("" means the machine's host name).
	HELO string
}

// String describes the configuration without the password.
func (c SMTPConfig) String() string {
	user := ""
	if c.Username != "" {
		user = c.Username + ":[redacted]@"
	}
	return fmt.Sprintf("smtp(%s) %s%s", c.Security, user, net.JoinHostPort(c.Host, strconv.Itoa(c.port())))
}

// GoString is String.
func (c SMTPConfig) GoString() string { return c.String() }

// Format prints String for every verb.
func (c SMTPConfig) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

func (c SMTPConfig) port() int {
	switch {
	case c.Port != 0:
		return c.Port
	case c.Security == ImplicitTLS:
		return 465
	}
	return 587
}

// ErrSMTPURL is an SMTP URL that cannot be used. Its messages never quote
// the URL (it may hold a password).
var ErrSMTPURL = errors.New("mail: bad SMTP URL")

// ParseSMTPURL reads smtp://user:pass@host:587 (STARTTLS required),
// smtps://user:pass@host:465 (implicit TLS) or smtp://host:25?tls=none
// (no TLS, no credentials). User and password are URL-decoded. Errors
// match ErrSMTPURL and never quote the URL.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	bad := func(why string) (SMTPConfig, error) { return SMTPConfig{}, fmt.Errorf("%w: %s", ErrSMTPURL, why) }
	u, err := url.Parse(raw)
	if err != nil {
		return bad("cannot be parsed")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.Security = StartTLS
	case "smtps":
		c.Security = ImplicitTLS
	default:
		return bad("the scheme must be smtp:// (STARTTLS) or smtps:// (implicit TLS)")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return bad("a host is required")
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("the port must be 1-65535")
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return bad("no path allowed")
	}
	if u.Fragment != "" {
		return bad("no fragment allowed")
	}
	for k, vs := range u.Query() {
		switch {
		case k == "tls" && len(vs) == 1 && vs[0] == "none" && c.Security == StartTLS:
			c.Security = NoTLS
		case k == "tls":
			return bad("tls= takes only \"none\", with smtp://")
		default:
			return bad("unknown parameter (the only one is tls=none)")
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return bad("a password needs a user name")
		}
		if c.Security == NoTLS {
			return bad("credentials are never sent without TLS (drop tls=none or the credentials)")
		}
	}
	return c, nil
}
