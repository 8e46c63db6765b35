package mail

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Email is a rendered message ready to deliver.
type Email struct {
	// MessageID is the Message-ID header's value without brackets,
	// "<id>@<domain>": the same for every attempt of one Message.
	MessageID string
	From, To  string
	Subject   string
	// Text and HTML are the bodies; HTML may be empty (text only).
	Text, HTML string
	Date       time.Time
	// Template is the template the email was rendered from (for logs).
	Template Template
}

// String names the email without its bodies (which hold the link).
func (e Email) String() string {
	return "Email{MessageID:" + e.MessageID + " Template:" + string(e.Template) + " To:" + MaskAddress(e.To) + "}"
}

// GoString is String.
func (e Email) GoString() string { return e.String() }

// Format prints String for every verb.
func (e Email) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }

// Transport delivers rendered emails. Deliver may be called again for the
// same email after an error (a retry): implementations keep the
// MessageID. A returned error that has a Temporary() bool method saying
// true is worth a retry; any other error is final. Implementations are
// safe for concurrent use.
type Transport interface {
	Deliver(ctx context.Context, e Email) error
}

// Tee delivers to every transport in order, stopping at the first error
// (dev mode with an SMTP_URL: the dev mailbox and a local mail catcher).
type Tee []Transport

// Deliver implements Transport.
func (t Tee) Deliver(ctx context.Context, e Email) error {
	for _, tr := range t {
		if err := tr.Deliver(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
