package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Template names an email of the account flows.
type Template string

// The emails the account flows send. Templates marked "link" need
// Data.Link.
const (
	VerifyEmail     Template = "verify-email"     // link: confirm the address (sign-up)
	ResetPassword   Template = "reset-password"   // link: set a new password
	Invitation      Template = "invitation"       // link: accept an invitation by setting a password
	AccountExists   Template = "account-exists"   // someone signed up with an address that has an account
	PasswordChanged Template = "password-changed" // notice after a change or reset
)

// TemplateNames lists every template name, in a stable order.
func TemplateNames() []Template {
	return []Template{VerifyEmail, ResetPassword, Invitation, AccountExists, PasswordChanged}
}

// needsLink reports whether the template is useless without Data.Link.
func (t Template) needsLink() bool {
	return t == VerifyEmail || t == ResetPassword || t == Invitation
}

func (t Template) known() bool {
	for _, n := range TemplateNames() {
		if n == t {
			return true
		}
	}
	return false
}

// Data is what a template shows. Every field is optional unless the
// template needs a link (see Template). Values come from the flow, so
// treat them as untrusted: the HTML body escapes them, and Name is cleaned
// (control characters dropped, at most 64 characters) before rendering.
type Data struct {
	// Name is the recipient's display name ("" when unknown).
	Name string `json:"name,omitempty"`
	// Link is the action's absolute URL (it carries a secret token), or for
	// AccountExists and PasswordChanged an optional page to go to.
	Link string `json:"link,omitempty"`
	// ExpiresAt is when the link stops working (zero: not shown).
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	// InvitedBy and Role describe an invitation (optional).
	InvitedBy string `json:"invitedBy,omitempty"`
	Role      string `json:"role,omitempty"`
}

// Message is one email to send: serialisable (JSON), so a runner can store
// it as a task's arguments. The zero ID and CreatedAt are filled by
// Outbox.Send.
type Message struct {
	// ID identifies the email across retries: the Message-ID header is
	// <ID@domain>, and the dev mailbox keeps one copy per ID. Letters,
	// digits, '.', '_' and '-', at most 64.
	ID string `json:"id"`
	// To is the recipient's bare address (no display name).
	To       string   `json:"to"`
	Template Template `json:"template"`
	Data     Data     `json:"data"`
	// CreatedAt is when the flow asked for the email: the Date header, and
	// the start of "valid for" (Data.ExpiresAt - CreatedAt).
	CreatedAt time.Time `json:"createdAt"`
}

// String names the message without its link or full recipient.
func (m Message) String() string {
	return "Message{ID:" + m.ID + " Template:" + string(m.Template) + " To:" + MaskAddress(m.To) + "}"
}

// GoString is String.
func (m Message) GoString() string { return m.String() }

// Format prints String for every verb, so %+v cannot reach the link.
func (m Message) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, m.String()) }

// String never prints the link.
func (d Data) String() string { return "Data{Name:" + d.Name + " Link:[redacted]}" }

// GoString is String.
func (d Data) GoString() string { return d.String() }

// Format prints String for every verb.
func (d Data) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, d.String()) }

// ErrInvalidMessage is a Message that cannot be sent as it is (unknown
// template, bad address, missing link): a bug in the caller, never worth a
// retry. Errors matching it are *MessageError.
var ErrInvalidMessage = errors.New("mail: invalid message")

// MessageError says what is wrong with a Message, without its link.
type MessageError struct{ Reason string }

// Error implements error.
func (e *MessageError) Error() string { return "mail: invalid message: " + e.Reason }

// Unwrap returns ErrInvalidMessage.
func (e *MessageError) Unwrap() error { return ErrInvalidMessage }

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate checks the message as Send and Deliver do. ID may be empty
// (Send fills it).
func (m Message) Validate() error {
	if !m.Template.known() {
		return &MessageError{Reason: fmt.Sprintf("unknown template %q", m.Template)}
	}
	if m.ID != "" && !idPattern.MatchString(m.ID) {
		return &MessageError{Reason: "id must be 1-64 letters, digits, '.', '_' or '-'"}
	}
	if err := checkAddress(m.To); err != nil {
		return &MessageError{Reason: "to: " + err.Error()}
	}
	if m.Data.Link == "" {
		if m.Template.needsLink() {
			return &MessageError{Reason: string(m.Template) + " needs a link"}
		}
		return nil
	}
	u, err := url.Parse(m.Data.Link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &MessageError{Reason: "link must be an absolute http(s) URL"} // never quote it: it holds a token
	}
	return nil
}

// checkAddress accepts a bare address ("a@example.com") only.
func checkAddress(s string) error {
	if s == "" {
		return errors.New("empty address")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return errors.New("not a bare email address")
	}
	return nil
}

// newID returns 128 random bits in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Mailer is what the account flows call to send an email. Send returns
// once the message is validated and queued; delivery happens later and is
// retried on temporary failures. Errors: ErrInvalidMessage (the caller's
// bug), ErrDropped (the runner refused the task: full or shutting down).
// Implementations are safe for concurrent use.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// MaskAddress keeps the first character of the local part and the domain:
// "a***@example.com". Anything that is not an address becomes "***".
func MaskAddress(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 {
		return "***"
	}
	r := []rune(s[:at])
	return string(r[0]) + "***" + s[at:]
}
