package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/mail"
)

// goRunner runs each task once on its own goroutine, like a runner with
// free workers; refuse makes it drop tasks.
type goRunner struct {
	refuse bool
	run    func(context.Context, json.RawMessage) error // the Outbox's RunTask
	wg     sync.WaitGroup
	mu     sync.Mutex
	names  []string
	errs   []error
}

func (r *goRunner) Enqueue(ctx context.Context, kind string, args any) bool {
	if r.refuse {
		return false
	}
	data, err := json.Marshal(args) // a task's args are stored as JSON
	if err != nil {
		return false
	}
	r.mu.Lock()
	r.names = append(r.names, kind)
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		err := r.run(context.WithoutCancel(ctx), data)
		r.mu.Lock()
		r.errs = append(r.errs, err)
		r.mu.Unlock()
	}()
	return true
}

func newOutbox(t *testing.T, tr mail.Transport, runner mail.Runner, log *zap.Logger) *mail.Outbox {
	t.Helper()
	tpl, err := mail.LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	o, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: tr, From: "no-reply@app.test", Site: "app.test",
		Runner: runner, Logger: log, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := runner.(*goRunner); ok {
		r.run = o.RunTask
	}
	return o
}

// TestSlowServerNeverBlocksSend: Send returns while the SMTP server still
// holds the message; the delivery completes in the background.
func TestSlowServerNeverBlocksSend(t *testing.T) {
	gate := make(chan struct{})
	srv := startSMTP(t, serverOptions{gate: gate})
	tr, err := mail.NewSMTP(clientConfig(t, srv, "smtp://ADDR"))
	if err != nil {
		t.Fatal(err)
	}
	runner := &goRunner{}
	o := newOutbox(t, tr, runner, nil)
	if err := o.Send(context.Background(), mail.Message{To: "ada@example.org", Template: mail.VerifyEmail,
		Data: mail.Data{Link: "https://app.test/verify-email?token=T"}}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.messages()); n != 0 {
		t.Fatalf("Send waited for the server: %d delivered", n)
	}
	close(gate)
	runner.wg.Wait()
	if n := len(srv.messages()); n != 1 || runner.errs[0] != nil || runner.names[0] != mail.TaskName {
		t.Fatalf("delivered %d, errs %v, tasks %v", n, runner.errs, runner.names)
	}
}

func TestOutboxSend(t *testing.T) {
	box := mail.NewMailbox(mail.MailboxConfig{})
	runner := &goRunner{}
	core, logs := observer.New(zap.DebugLevel)
	o := newOutbox(t, box, runner, zap.New(core))
	ctx := context.Background()

	// Invalid messages fail in Send, before anything is queued.
	for _, m := range []mail.Message{
		{To: "ada@example.org", Template: "welcome"},
		{To: "not an address", Template: mail.PasswordChanged},
		{To: "ada@example.org", Template: mail.ResetPassword}, // no link
	} {
		if err := o.Send(ctx, m); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("%v: %v, want ErrInvalidMessage", m, err)
		}
	}
	if len(runner.names) != 0 {
		t.Fatalf("invalid messages queued: %v", runner.names)
	}

	link := "https://app.test/reset-password?token=SEL.VER"
	if err := o.Send(ctx, mail.Message{To: "ada@example.org", Template: mail.ResetPassword,
		Data: mail.Data{Link: link, ExpiresAt: time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	runner.wg.Wait()
	c, ok := box.Latest("ADA@example.org")
	if !ok {
		t.Fatal("not delivered")
	}
	if len(c.Links) != 1 || c.Links[0] != link || !strings.HasSuffix(c.ID, "@app.test") || len(c.ID) != 32+len("@app.test") {
		t.Errorf("captured %+v", c)
	}
	if !strings.Contains(c.Text, "valid for 1 hour") {
		t.Errorf("text %s", c.Text)
	}
	for _, e := range logs.All() {
		if line := fmt.Sprint(e.Message, e.ContextMap()); strings.Contains(line, "SEL.VER") || strings.Contains(line, "ada@example.org") {
			t.Errorf("outbox log leaks: %s", line)
		}
	}

	refusing := newOutbox(t, box, &goRunner{refuse: true}, nil)
	if err := refusing.Send(ctx, mail.Message{To: "ada@example.org", Template: mail.PasswordChanged}); !errors.Is(err, mail.ErrDropped) {
		t.Errorf("refused task: %v, want ErrDropped", err)
	}
}

// TestRunTaskIsIdempotent: the task form (JSON args) delivers the same
// email however often it runs, and a stored message keeps its link.
func TestRunTaskIsIdempotent(t *testing.T) {
	box := mail.NewMailbox(mail.MailboxConfig{})
	o := newOutbox(t, box, nil, nil)
	m := mail.Message{ID: "fixed-id", To: "ada@example.org", Template: mail.Invitation,
		Data:      mail.Data{Name: "Ada", Link: "https://app.test/accept-invitation?token=T", InvitedBy: "Grace"},
		CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	args, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := o.RunTask(context.Background(), args); err != nil {
			t.Fatal(err)
		}
	}
	msgs := box.Messages()
	if len(msgs) != 1 || msgs[0].ID != "fixed-id@app.test" || msgs[0].Links[0] != m.Data.Link {
		t.Fatalf("mailbox %+v", msgs)
	}
	if err := o.RunTask(context.Background(), []byte(`{"to":5}`)); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("malformed args: %v", err)
	}
	if err := o.Deliver(context.Background(), mail.Message{To: "ada@example.org", Template: mail.PasswordChanged}); !errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("Deliver without an id: %v", err)
	}
}

func TestMessageNeverPrintsLink(t *testing.T) {
	m := mail.Message{ID: "i", To: "ada@example.org", Template: mail.ResetPassword, Data: mail.Data{Link: "https://a.test/?token=SECRET"}}
	e := mail.Email{MessageID: "i@a.test", To: "ada@example.org", Text: "https://a.test/?token=SECRET", HTML: "SECRET"}
	s := fmt.Sprintf("%v %+v %#v %s %v %+v %#v", m, m, m, m.Data, e, e, &e)
	if strings.Contains(s, "SECRET") || strings.Contains(s, "ada@example.org") {
		t.Errorf("printed %s", s)
	}
}

func TestNewOutboxErrors(t *testing.T) {
	if _, err := mail.NewOutbox(mail.OutboxConfig{From: "nope"}); err == nil ||
		!strings.Contains(err.Error(), "Templates") || !strings.Contains(err.Error(), "Transport") || !strings.Contains(err.Error(), "From") {
		t.Errorf("NewOutbox: %v", err)
	}
}

func BenchmarkSend(b *testing.B) {
	tpl, err := mail.LoadTemplates("")
	if err != nil {
		b.Fatal(err)
	}
	o, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: mail.NewMailbox(mail.MailboxConfig{Size: 10}), From: "no-reply@app.test"})
	if err != nil {
		b.Fatal(err)
	}
	m := mail.Message{To: "ada@example.org", Template: mail.VerifyEmail,
		Data: mail.Data{Name: "Ada", Link: "https://app.test/verify-email?token=abc.def", ExpiresAt: time.Now().Add(24 * time.Hour)}}
	b.ReportAllocs()
	for b.Loop() {
		if err := o.Send(context.Background(), m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	tpl, err := mail.LoadTemplates("")
	if err != nil {
		b.Fatal(err)
	}
	m := mail.Message{ID: "x", To: "ada@example.org", Template: mail.Invitation, CreatedAt: time.Now(),
		Data: mail.Data{Name: "Ada", Link: "https://app.test/accept-invitation?token=abc.def", ExpiresAt: time.Now().Add(7 * 24 * time.Hour)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Render(m, "app.test"); err != nil {
			b.Fatal(err)
		}
	}
}
