package mail

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// DefaultMailboxSize is how many emails a Mailbox keeps by default.
const DefaultMailboxSize = 100

// MailboxConfig configures a Mailbox. The zero value is usable.
type MailboxConfig struct {
	// Size is how many emails are kept, the oldest dropped first (0:
	// DefaultMailboxSize).
	Size int
	// Logger receives one info line per captured email, with its links
	// (dev mode only: the links are the point); nil means zap.NewNop().
	Logger *zap.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Captured is an email the Mailbox received.
type Captured struct {
	ID       string    `json:"id"` // the Message-ID, without brackets
	Template Template  `json:"template"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Subject  string    `json:"subject"`
	Text     string    `json:"text"`
	HTML     string    `json:"html,omitempty"`
	Links    []string  `json:"links"` // the http(s) URLs of the text body, in order
	At       time.Time `json:"at"`
}

// Mailbox is the dev mode's Transport: it keeps the last emails in memory
// (bounded), logs them with their links, and serves them on a dev-only
// page (Handler), so the account flows work without a mail server. Never
// use it in production: anyone who can read the page can use the links.
// It is safe for concurrent use.
type Mailbox struct {
	size int
	log  *zap.Logger
	now  func() time.Time

	mu   sync.Mutex
	msgs []Captured // oldest first
}

var _ Transport = (*Mailbox)(nil)

// NewMailbox returns an empty mailbox.
func NewMailbox(cfg MailboxConfig) *Mailbox {
	if cfg.Size <= 0 {
		cfg.Size = DefaultMailboxSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &Mailbox{size: cfg.Size, log: log.Named("mailbox"), now: cfg.Now}
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// Deliver implements Transport: it stores e (replacing an earlier copy with
// the same MessageID, so a retried delivery stays one email) and never
// fails.
func (m *Mailbox) Deliver(_ context.Context, e Email) error {
	c := Captured{ID: e.MessageID, Template: e.Template, From: e.From, To: e.To, Subject: e.Subject,
		Text: e.Text, HTML: e.HTML, Links: linkPattern.FindAllString(e.Text, -1), At: m.now().UTC()}
	if c.Links == nil {
		c.Links = []string{}
	}
	m.mu.Lock()
	replaced := false
	for i := range m.msgs {
		if c.ID != "" && m.msgs[i].ID == c.ID {
			m.msgs = append(append(m.msgs[:i:i], m.msgs[i+1:]...), c)
			replaced = true
			break
		}
	}
	if !replaced {
		if len(m.msgs) >= m.size {
			m.msgs = append(m.msgs[:0], m.msgs[len(m.msgs)-m.size+1:]...)
		}
		m.msgs = append(m.msgs, c)
	}
	m.mu.Unlock()
	m.log.Info("DEV MAILBOX: email captured (see /dev/mailbox)", zap.String("to", c.To), zap.String("subject", c.Subject),
		zap.String("template", string(c.Template)), zap.Strings("links", c.Links))
	return nil
}

// Messages returns copies of the kept emails, newest first.
func (m *Mailbox) Messages() []Captured {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Captured, len(m.msgs))
	for i, c := range m.msgs {
		c.Links = append([]string(nil), c.Links...)
		out[len(m.msgs)-1-i] = c
	}
	return out
}

// Latest returns the newest email to the address (compared without case;
// "" matches any), and whether there is one.
func (m *Mailbox) Latest(to string) (Captured, bool) {
	for _, c := range m.Messages() {
		if to == "" || strings.EqualFold(c.To, to) {
			return c, true
		}
	}
	return Captured{}, false
}

// Find returns the email with the Message-ID, and whether it is kept.
func (m *Mailbox) Find(id string) (Captured, bool) {
	for _, c := range m.Messages() {
		if c.ID == id {
			return c, true
		}
	}
	return Captured{}, false
}
