// Package mail sends the account flows' emails: verify an email address,
// reset a password, accept an invitation, "you already have an account",
// "your password was changed".
//
// The pieces, from what a flow calls to the wire:
//
//   - Message is one email to send, as serialisable data: a recipient, a
//     Template name and its Data (the link, the recipient's name, the
//     link's expiry). It carries an ID, so a retried delivery is the same
//     email (the Message-ID header), never a second one in the dev mailbox.
//   - Outbox (a Mailer) validates and renders a Message at once, then hands
//     its delivery to a background runner (the gateway's secondary runner)
//     under TaskName, so a slow mail server never delays a response. The
//     task's only argument is the Message: RunTask takes it as JSON, for
//     runners that store tasks (a Redis stream).
//   - Templates renders a Message into a subject, a text body and an HTML
//     body (html/template, so every value is escaped), from embedded
//     defaults that a deployer overrides file by file from a directory.
//   - A Transport delivers the rendered Email: SMTP (STARTTLS or implicit
//     TLS, AUTH, timeouts; github.com/wneessen/go-mail), or Mailbox, the dev
//     mode's bounded in-memory capture with its HTML page and JSON API.
//
// Secrets: a Message's link holds a single-use token. Message, Data, Email
// and SMTPConfig never print it (String, GoString and Format redact), errors
// never contain it or the SMTP password, and the Outbox logs only the
// template, the message id and the masked recipient. Only the dev Mailbox
// shows links, by design. JSON encoding (the task form) keeps the link:
// whatever stores tasks holds it until the delivery is done.
package mail
