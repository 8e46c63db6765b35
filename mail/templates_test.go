package mail

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func msg(tpl Template, d Data) Message {
	return Message{ID: "id-1", To: "ada@example.org", Template: tpl, Data: d,
		CreatedAt: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
}

// TestDefaultTemplates renders every embedded template with and without
// optional data.
func TestDefaultTemplates(t *testing.T) {
	tpl, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		tpl      Template
		data     Data
		subject  string
		contains []string // in the text and, with its link, the HTML
	}{
		{VerifyEmail, Data{Name: "Ada", Link: "https://a.test/verify-email?token=T1", ExpiresAt: created.Add(24 * time.Hour)},
			"Confirm your email address for app.test", []string{"Hello Ada", "https://a.test/verify-email?token=T1", "valid for 24 hours"}},
		{ResetPassword, Data{Link: "https://a.test/reset-password?token=T2", ExpiresAt: created.Add(time.Hour)},
			"Reset your password for app.test", []string{"Hello,", "https://a.test/reset-password?token=T2", "valid for 1 hour"}},
		{Invitation, Data{Name: "Bo", Link: "https://a.test/accept-invitation?token=T3", ExpiresAt: created.Add(7 * 24 * time.Hour), InvitedBy: "Grace", Role: "manager"},
			"You are invited to app.test", []string{"Grace invited you", "as manager", "https://a.test/accept-invitation?token=T3", "valid for 7 days"}},
		{Invitation, Data{Link: "https://a.test/accept-invitation?token=T4"},
			"You are invited to app.test", []string{"You are invited", "https://a.test/accept-invitation?token=T4"}},
		{AccountExists, Data{Link: "https://a.test/forgot-password"},
			"You already have an account on app.test", []string{"already has an account", "https://a.test/forgot-password"}},
		{AccountExists, Data{}, "You already have an account on app.test", []string{"sign in instead."}},
		{PasswordChanged, Data{Name: "Ada"}, "Your password was changed on app.test", []string{"Hello Ada", "was just changed"}},
	}
	for _, tt := range tests {
		r, err := tpl.Render(msg(tt.tpl, tt.data), "app.test")
		if err != nil {
			t.Fatalf("%s: %v", tt.tpl, err)
		}
		if r.Subject != tt.subject {
			t.Errorf("%s: subject %q, want %q", tt.tpl, r.Subject, tt.subject)
		}
		for _, c := range tt.contains {
			if !strings.Contains(r.Text, c) {
				t.Errorf("%s: text lacks %q:\n%s", tt.tpl, c, r.Text)
			}
		}
		if tt.data.Link != "" && !strings.Contains(r.HTML, `href="`+tt.data.Link+`"`) {
			t.Errorf("%s: html lacks the link:\n%s", tt.tpl, r.HTML)
		}
		if strings.Contains(r.Text, "<no value>") || strings.Contains(r.HTML, "<no value>") {
			t.Errorf("%s: <no value> rendered", tt.tpl)
		}
	}
}

// TestUntrustedValues: names cannot break the subject, the text layout
// or the HTML.
func TestUntrustedValues(t *testing.T) {
	tpl, err := LoadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	d := Data{Name: "Eve\r\nBcc: x@evil.test\u202e<script>alert(1)</script>" + strings.Repeat("x", 100),
		Link: "https://a.test/verify-email?token=a\"b<c", InvitedBy: "<img src=x>"}
	r, err := tpl.Render(msg(Invitation, d), "app.test")
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(r.Subject, "\r\n") {
		t.Errorf("subject %q", r.Subject)
	}
	if strings.Contains(r.Text, "\nBcc:") || strings.ContainsRune(r.Text, '\u202e') {
		t.Errorf("name not cleaned in the text:\n%s", r.Text)
	}
	for _, bad := range []string{"<script>", "<img", `a"b`} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML holds %q unescaped:\n%s", bad, r.HTML)
		}
	}
	if !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("HTML lost the escaped name:\n%s", r.HTML)
	}
}

// TestTemplateOverrides: a file in the directory replaces that file only;
// an empty HTML file makes the email text-only; unknown files and broken
// templates are refused at load, naming the file.
func TestTemplateOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("reset-password.subject.txt", "{{.Site}}: new password\n")
	write("reset-password.txt", "Bonjour {{.Name}}, {{.Link}} ({{.ExpiresIn}})\n")
	write("password-changed.html", "  \n")
	write("README.md", "notes for operators") // not a template: ignored
	tpl, err := LoadTemplates(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := tpl.Render(msg(ResetPassword, Data{Name: "Ada", Link: "https://a.test/r?token=T", ExpiresAt: time.Date(2026, 1, 1, 12, 30, 0, 0, time.UTC)}), "a.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "a.test: new password" || r.Text != "Bonjour Ada, https://a.test/r?token=T (30 minutes)\n" {
		t.Errorf("override not used: %q %q", r.Subject, r.Text)
	}
	if !strings.Contains(r.HTML, "Choose a new password") {
		t.Errorf("default HTML not kept:\n%s", r.HTML)
	}
	r, err = tpl.Render(msg(PasswordChanged, Data{}), "a.test")
	if err != nil || r.HTML != "" || r.Text == "" {
		t.Errorf("text-only override: %+v %v", r, err)
	}

	for _, tc := range []struct{ file, body, want string }{
		{"reset-pasword.txt", "typo", "reset-pasword.txt"},
		{"verify-email.txt", "{{.Nmae}}", "verify-email.txt"},
		{"invitation.html", "{{if}}", "invitation.html"},
		{"account-exists.subject.txt", "{{if .Name}}{{end}}", "renders empty"},
	} {
		bad := t.TempDir()
		if err := os.WriteFile(filepath.Join(bad, tc.file), []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadTemplates(bad); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want one naming %q", tc.file, tc.body, err, tc.want)
		}
	}
	if _, err := LoadTemplates(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing directory was accepted")
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1 hour", time.Hour - 3*time.Microsecond: "1 hour", 24 * time.Hour: "24 hours",
		7 * 24 * time.Hour: "7 days", 48 * time.Hour: "2 days", 30 * time.Minute: "30 minutes",
		time.Minute: "1 minute", 90 * time.Minute: "90 minutes", 0: "", -time.Hour: "",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMessageValidate(t *testing.T) {
	ok := Message{To: "a@b.test", Template: VerifyEmail, Data: Data{Link: "https://a.test/v?token=x"}}
	tests := []struct {
		name string
		edit func(*Message)
		want string // "" = valid
	}{
		{"valid", func(*Message) {}, ""},
		{"unknown template", func(m *Message) { m.Template = "welcome" }, "unknown template"},
		{"display name", func(m *Message) { m.To = "Ada <a@b.test>" }, "to:"},
		{"header injection", func(m *Message) { m.To = "a@b.test\r\nBcc: c@d.test" }, "to:"},
		{"no address", func(m *Message) { m.To = "" }, "to:"},
		{"missing link", func(m *Message) { m.Data.Link = "" }, "needs a link"},
		{"relative link", func(m *Message) { m.Data.Link = "/verify?token=SECRET" }, "absolute"},
		{"javascript link", func(m *Message) { m.Data.Link = "javascript:alert(1)//SECRET" }, "absolute"},
		{"bad id", func(m *Message) { m.ID = "a b" }, "id"},
		{"notice without link", func(m *Message) { m.Template, m.Data.Link = PasswordChanged, "" }, ""},
	}
	for _, tt := range tests {
		m := ok
		tt.edit(&m)
		err := m.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalidMessage)):
			t.Errorf("%s: %v, want ErrInvalidMessage with %q", tt.name, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "SECRET"):
			t.Errorf("%s: error quotes the link: %v", tt.name, err)
		}
	}
}

func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"Ada", "a\r\nb", "\u202e x", strings.Repeat("é", 70), "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanName(s)
		if strings.ContainsAny(got, "\r\n\t\x00") || len([]rune(got)) > 64 || got != strings.TrimSpace(got) {
			t.Errorf("cleanName(%q) = %q", s, got)
		}
	})
}
