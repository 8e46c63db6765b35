package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
)

//go:embed templates/*
var defaultFiles embed.FS

// The three files of a template, by suffix: <name>.subject.txt,
// <name>.txt (the text body) and <name>.html (the HTML body).
const (
	subjectSuffix = ".subject.txt"
	textSuffix    = ".txt"
	htmlSuffix    = ".html"
)

// maxTemplateBytes bounds one template file.
const maxTemplateBytes = 64 << 10

// View is what a template sees (its fields are the template's {{.Name}},
// {{.Link}}, ...). All are strings except ExpiresAt; empty means unknown.
type View struct {
	// Name is the recipient's name, cleaned: control characters dropped,
	// spaces collapsed, at most 64 characters.
	Name string
	// Email is the recipient's address.
	Email string
	// Link is the action's URL (Data.Link).
	Link string
	// ExpiresIn is how long the link is valid, for people: "1 hour",
	// "24 hours", "7 days", "30 minutes" ("" without an expiry).
	ExpiresIn string
	// ExpiresAt is when the link stops working (zero without an expiry).
	ExpiresAt time.Time
	// InvitedBy and Role describe an invitation.
	InvitedBy, Role string
	// Site is the host of the link base URL ("app.example.com").
	Site string
}

// Rendered is a rendered email: a one-line subject, a text body and an
// HTML body ("" when the HTML template is empty: a text-only email).
type Rendered struct {
	Subject, Text, HTML string
}

type templateSet struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template // nil: text only
}

// Templates renders messages. Build it with LoadTemplates; it is immutable
// and safe for concurrent use.
type Templates struct {
	sets map[Template]templateSet
}

// LoadTemplates parses the embedded default templates, replacing each file
// for which dir (if not "") has a file of the same name:
// verify-email.subject.txt, verify-email.txt, verify-email.html, and so on
// for every name of TemplateNames. An empty .html file makes that email
// text-only. Any other *.txt or *.html file in dir is an error (a
// misspelt override would otherwise be ignored silently), as is a
// template that does not parse or fails to render sample data (an unknown
// field, say). Errors name the file.
func LoadTemplates(dir string) (*Templates, error) {
	if dir != "" {
		if err := checkOverrideDir(dir); err != nil {
			return nil, err
		}
	}
	t := &Templates{sets: map[Template]templateSet{}}
	var errs []error
	for _, name := range TemplateNames() {
		set, err := loadSet(dir, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.sets[name] = set
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func checkOverrideDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("mail templates: %w", err)
	}
	known := map[string]bool{}
	for _, n := range TemplateNames() {
		for _, suf := range []string{subjectSuffix, textSuffix, htmlSuffix} {
			known[string(n)+suf] = true
		}
	}
	var unknown []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, textSuffix) || strings.HasSuffix(n, htmlSuffix)) && !known[n] {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("mail templates: %s: unknown file(s) %s (known: <name>%s, <name>%s, <name>%s for %v)",
			dir, strings.Join(unknown, ", "), subjectSuffix, textSuffix, htmlSuffix, TemplateNames())
	}
	return nil
}

// readTemplate returns the override file's text if dir has it, else the
// embedded default, and where it came from.
func readTemplate(dir, file string) (string, string, error) {
	if dir != "" {
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		switch {
		case err == nil:
			if len(data) > maxTemplateBytes {
				return "", p, fmt.Errorf("mail template %s: larger than %d bytes", p, maxTemplateBytes)
			}
			return string(data), p, nil
		case !errors.Is(err, fs.ErrNotExist):
			return "", p, fmt.Errorf("mail template: %w", err)
		}
	}
	data, err := defaultFiles.ReadFile("templates/" + file)
	if err != nil {
		return "", "", fmt.Errorf("mail template %s: no default: %w", file, err)
	}
	return string(data), "embedded " + file, nil
}

func loadSet(dir string, name Template) (templateSet, error) {
	var set templateSet
	var errs []error
	parseText := func(suffix string) *texttemplate.Template {
		src, from, err := readTemplate(dir, string(name)+suffix)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		t, err := texttemplate.New(from).Option("missingkey=error").Parse(src)
		if err != nil {
			errs = append(errs, fmt.Errorf("mail template %s: %w", from, err))
			return nil
		}
		return t
	}
	set.subject = parseText(subjectSuffix)
	set.text = parseText(textSuffix)
	src, from, err := readTemplate(dir, string(name)+htmlSuffix)
	switch {
	case err != nil:
		errs = append(errs, err)
	case strings.TrimSpace(src) != "":
		if set.html, err = htmltemplate.New(from).Option("missingkey=error").Parse(src); err != nil {
			errs = append(errs, fmt.Errorf("mail template %s: %w", from, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return set, err
	}
	// Render sample data now, so a template naming an unknown field fails
	// at start-up rather than when the first user needs the email.
	for _, v := range []View{{}, sampleView()} {
		if _, err := set.render(v); err != nil {
			return set, fmt.Errorf("mail template %s: %w", name, err)
		}
	}
	return set, nil
}

func sampleView() View {
	return View{Name: "Ada", Email: "ada@example.com", Link: "https://app.example.com/x?token=t", ExpiresIn: "1 hour",
		ExpiresAt: time.Unix(0, 0).UTC(), InvitedBy: "Grace", Role: "member", Site: "app.example.com"}
}

func (s templateSet) render(v View) (Rendered, error) {
	var r Rendered
	var b bytes.Buffer
	if err := s.subject.Execute(&b, v); err != nil {
		return r, fmt.Errorf("subject: %w", err)
	}
	r.Subject = strings.Join(strings.Fields(b.String()), " ") // one line: no header injection
	if r.Subject == "" {
		return r, errors.New("subject: renders empty")
	}
	b.Reset()
	if err := s.text.Execute(&b, v); err != nil {
		return r, fmt.Errorf("text: %w", err)
	}
	r.Text = b.String()
	if s.html != nil {
		b.Reset()
		if err := s.html.Execute(&b, v); err != nil {
			return r, fmt.Errorf("html: %w", err)
		}
		r.HTML = b.String()
	}
	return r, nil
}

// Render renders m for the site (the link base's host). The message must
// be valid (Message.Validate).
func (t *Templates) Render(m Message, site string) (Rendered, error) {
	set, ok := t.sets[m.Template]
	if !ok {
		return Rendered{}, &MessageError{Reason: fmt.Sprintf("unknown template %q", m.Template)}
	}
	v := View{Name: cleanName(m.Data.Name), Email: m.To, Link: m.Data.Link, ExpiresAt: m.Data.ExpiresAt,
		InvitedBy: cleanName(m.Data.InvitedBy), Role: cleanName(m.Data.Role), Site: site}
	if !m.Data.ExpiresAt.IsZero() && !m.CreatedAt.IsZero() {
		v.ExpiresIn = humanDuration(m.Data.ExpiresAt.Sub(m.CreatedAt))
	}
	r, err := set.render(v)
	if err != nil {
		return r, fmt.Errorf("mail: rendering %s: %w", m.Template, err)
	}
	return r, nil
}

// cleanName drops control and format characters (no line breaks, no
// bidi overrides), collapses spaces and keeps at most 64 characters.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 64 {
		s = strings.TrimSpace(string(r[:64]))
	}
	return s
}

// humanDuration rounds d to the minute and says it in days (whole days of
// at least 2), hours (whole hours) or minutes.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d <= 0:
		return ""
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	}
	return plural(int64(d/time.Minute), "minute")
}
