package auth

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaskEmail returns a form of email safe for logs: the first character of
// the local part, "***", and the domain ("d***@example.com"). Input without
// a usable local part and domain becomes "***". Control characters are
// never copied through, so the result cannot forge log lines.
func MaskEmail(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(email)
	domain := email[at+1:]
	if r == utf8.RuneError || r < 0x20 || r == 0x7f || strings.ContainsFunc(domain, isControl) || len(domain) > 255 {
		return "***"
	}
	return string(r) + "***@" + domain
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }

// Format writes String for every verb, so no verb (%d and %x included,
// which bypass String) prints the secret.
func (k SessionKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// Format writes String for every verb, so no verb (%d and %x included,
// which bypass String) prints key material.
func (k *SigningKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }
