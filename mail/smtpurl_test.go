package mail

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url  string
		want SMTPConfig // compared without TLSConfig
		err  string     // substring; "" = valid
	}{
		{"smtp://user:pa%3Ass@mail.example.com:587", SMTPConfig{Host: "mail.example.com", Port: 587, Security: StartTLS, Username: "user", Password: "pa:ss"}, ""},
		{"smtp://mail.example.com", SMTPConfig{Host: "mail.example.com", Security: StartTLS}, ""},
		{"smtps://u%40x.test:p@smtp.x.test", SMTPConfig{Host: "smtp.x.test", Security: ImplicitTLS, Username: "u@x.test", Password: "p"}, ""},
		{"smtp://relay:25?tls=none", SMTPConfig{Host: "relay", Port: 25, Security: NoTLS}, ""},
		{"smtp://[::1]:2525/", SMTPConfig{Host: "::1", Port: 2525, Security: StartTLS}, ""},
		{"http://mail.example.com", SMTPConfig{}, "scheme"},
		{"smtp://user:hunter2@relay?tls=none", SMTPConfig{}, "without TLS"},
		{"smtps://relay?tls=none", SMTPConfig{}, "tls="},
		{"smtp://relay?tls=yes", SMTPConfig{}, "tls="},
		{"smtp://relay?timeout=5s", SMTPConfig{}, "unknown parameter"},
		{"smtp://relay:99999", SMTPConfig{}, "port"},
		{"smtp://relay/inbox", SMTPConfig{}, "path"},
		{"smtp://:hunter2@relay", SMTPConfig{}, "user name"},
		{"smtp://", SMTPConfig{}, "host"},
		{"smtp:relay", SMTPConfig{}, "host"},
		{"smtp://us er:hunter2@re lay\x7f", SMTPConfig{}, "cannot be parsed"},
	}
	for _, tt := range tests {
		got, err := ParseSMTPURL(tt.url)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.url, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrSMTPURL)):
			t.Errorf("%s: %v, want ErrSMTPURL with %q", tt.url, err, tt.err)
		case err == nil && got != tt.want:
			t.Errorf("%s: %+v, want %+v", tt.url, got.GoString(), tt.want.GoString())
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error quotes the password: %v", tt.url, err)
		}
	}
}

func TestSMTPConfigNeverPrintsPassword(t *testing.T) {
	c, err := ParseSMTPURL("smtp://user:hunter2@mail.example.com")
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("%v %+v %#v %s", c, c, c, c.String())
	if strings.Contains(s, "hunter2") || !strings.Contains(s, "user:[redacted]@mail.example.com:587") {
		t.Errorf("printed %s", s)
	}
}

// FuzzParseSMTPURL: never panics, and an error never quotes the password.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://u:p@h:587", "smtps://h", "smtp://h?tls=none", "smtp://u:hunter2@h?tls=none", "::", "smtp://%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := ParseSMTPURL(raw)
		if err == nil {
			if c.Host == "" || (c.Security == NoTLS && c.Username != "") {
				t.Errorf("accepted %q as %v", raw, c)
			}
			return
		}
		if u, perr := url.Parse(raw); perr == nil && u.User != nil {
			if p, ok := u.User.Password(); ok && len(p) >= 4 && strings.Contains(err.Error(), p) {
				t.Errorf("error %q quotes the password of %q", err, raw)
			}
		}
	})
}
