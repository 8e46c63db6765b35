package mail_test

import (
	"context"
	"fmt"

	"github.com/convexgw/convexgw/mail"
)

// An account flow sends a reset link; the dev mailbox captures it. A
// server passes its background runner as OutboxConfig.Runner and an SMTP
// transport (mail.NewSMTP) instead.
func Example() {
	tpl, err := mail.LoadTemplates("") // or a directory of overrides
	if err != nil {
		panic(err)
	}
	links, err := mail.NewLinks("https://app.example.com")
	if err != nil {
		panic(err)
	}
	box := mail.NewMailbox(mail.MailboxConfig{})
	outbox, err := mail.NewOutbox(mail.OutboxConfig{Templates: tpl, Transport: box,
		From: "App <no-reply@app.example.com>", Site: links.Site()})
	if err != nil {
		panic(err)
	}
	err = outbox.Send(context.Background(), mail.Message{To: "ada@example.org", Template: mail.ResetPassword,
		Data: mail.Data{Name: "Ada", Link: links.ResetPassword("selector.verifier")}})
	if err != nil {
		panic(err)
	}
	c, _ := box.Latest("ada@example.org")
	fmt.Println(c.Subject)
	fmt.Println(c.Links)
	// Output:
	// Reset your password for app.example.com
	// [https://app.example.com/reset-password?token=selector.verifier]
}
