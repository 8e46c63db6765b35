package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"go.uber.org/zap"
)

// TaskName is the name of the delivery task an Outbox hands to its
// runner; the task's arguments are the Message as JSON (see RunTask).
const TaskName = "mail.send"

// ErrDropped is returned by Outbox.Send when the runner refused the task
// (its queue is full, or it is shutting down): the email will not be sent.
var ErrDropped = errors.New("mail: message dropped: the background runner is full or stopping")

// Runner runs work after the response (the gateway's secondary runner has
// this method): Enqueue returns at once, reporting false when it refused
// fn; it runs fn later with a context carrying ctx's values (not its
// cancellation), retrying errors it deems temporary.
type Runner interface {
	// Enqueue stores a task of kind with args (encoded as JSON) and returns
	// at once; false means the task was dropped. The runner later calls
	// the function registered for kind with the JSON: Outbox.RunTask for
	// TaskName.
	Enqueue(ctx context.Context, kind string, args any) bool
}

// OutboxConfig configures an Outbox.
type OutboxConfig struct {
	// Templates render the messages. Required.
	Templates *Templates
	// Transport delivers them (SMTP, the dev Mailbox, a Tee). Required.
	Transport Transport
	// From is the sender: "addr@example.com" or "Name <addr@example.com>".
	// Required; its domain is the Message-ID's right-hand side.
	From string
	// Site is shown in the emails as where they come from: the host of the
	// link base URL (Links.Site). Optional.
	Site string
	// Runner runs the deliveries. Nil: Send delivers before it returns
	// (for tools and tests; a server passes its runner).
	Runner Runner
	// Logger receives one info line per delivered email (template, message
	// id, masked recipient; never the link); nil means zap.NewNop().
	Logger *zap.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Outbox is the Mailer of the account flows: Send validates and renders a
// message, then queues its delivery on the runner. It is immutable and
// safe for concurrent use.
type Outbox struct {
	cfg    OutboxConfig
	domain string
	log    *zap.Logger
}

var _ Mailer = (*Outbox)(nil)

// NewOutbox checks cfg. Errors name the missing or bad field.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	var errs []error
	if cfg.Templates == nil {
		errs = append(errs, errors.New("mail: outbox needs Templates"))
	}
	if cfg.Transport == nil {
		errs = append(errs, errors.New("mail: outbox needs a Transport"))
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		errs = append(errs, fmt.Errorf("mail: From %q is not an address: %w", cfg.From, err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Outbox{cfg: cfg, domain: from.Address[strings.LastIndexByte(from.Address, '@')+1:], log: log.Named("mail")}, nil
}

// Send fills m's ID and CreatedAt when zero, validates and renders it (so a
// bad message or template fails here, in the request), and queues its
// delivery. It returns nil once queued: delivery failures are retried and
// logged by the runner. Errors: ErrInvalidMessage, a rendering error,
// ErrDropped; without a Runner, the delivery's error.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = o.cfg.Now().UTC()
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if _, err := o.cfg.Templates.Render(m, o.cfg.Site); err != nil {
		return err
	}
	if o.cfg.Runner == nil {
		return o.Deliver(ctx, m)
	}
	if !o.cfg.Runner.Enqueue(ctx, TaskName, m) {
		return ErrDropped
	}
	return nil
}

// Deliver renders m and delivers it now: the body of the TaskName task.
// Calling it again for the same message (a retry) sends the same email
// (same Message-ID). Errors: ErrInvalidMessage (final), the transport's
// (*SendError for SMTP: see Temporary).
func (o *Outbox) Deliver(ctx context.Context, m Message) error {
	if m.ID == "" {
		return &MessageError{Reason: "id is required to deliver"}
	}
	if err := m.Validate(); err != nil {
		return err
	}
	r, err := o.cfg.Templates.Render(m, o.cfg.Site)
	if err != nil {
		return err
	}
	e := Email{MessageID: m.ID + "@" + o.domain, From: o.cfg.From, To: m.To, Subject: r.Subject,
		Text: r.Text, HTML: r.HTML, Date: m.CreatedAt, Template: m.Template}
	if err := o.cfg.Transport.Deliver(ctx, e); err != nil {
		return fmt.Errorf("mail %s %s: %w", m.Template, m.ID, err)
	}
	o.log.Info("mail delivered", zap.String("template", string(m.Template)), zap.String("message_id", m.ID),
		zap.String("to", MaskAddress(m.To)))
	return nil
}

// RunTask is Deliver for a runner that stores tasks: args is the Message
// as JSON (json.Marshal of it). Malformed args are final
// (ErrInvalidMessage).
func (o *Outbox) RunTask(ctx context.Context, args json.RawMessage) error {
	var m Message
	if err := json.Unmarshal(args, &m); err != nil {
		return &MessageError{Reason: "task arguments are not a Message"}
	}
	return o.Deliver(ctx, m)
}
