package mail

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// Paths the Mailbox handler serves (GET and HEAD only).
const (
	// MailboxPath is the HTML list of the kept emails, newest first
	// (?format=json: the same as JSON).
	MailboxPath = "/dev/mailbox"
	// MailboxLatestPath answers the newest email to ?to=<address> (any
	// address without it) as JSON, with its links; 404 when there is none.
	MailboxLatestPath = "/dev/mailbox/latest"
	// MailboxMessagePath shows one email's HTML body (?id=<Message-ID>).
	MailboxMessagePath = "/dev/mailbox/message"
)

var mailboxPage = template.Must(template.New("mailbox").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Dev mailbox</title></head>
<body>
<h1>Dev mailbox</h1>
<p>Emails the gateway sent in dev mode, newest first ({{len .}} kept). JSON:
<a href="` + MailboxPath + `?format=json">all</a>, <code>` + MailboxLatestPath + `?to=ADDRESS</code>.</p>
{{range .}}<article>
<h2>{{.Subject}}</h2>
<p>To <b>{{.To}}</b> · {{.At.Format "2006-01-02 15:04:05 UTC"}} · template <code>{{.Template}}</code>{{if .HTML}} · <a href="` + MailboxMessagePath + `?id={{.ID}}">HTML version</a>{{end}}</p>
{{if .Links}}<ul>{{range .Links}}<li><a href="{{.}}">{{.}}</a></li>{{end}}</ul>{{end}}
<pre>{{.Text}}</pre>
</article>
<hr>
{{else}}<p>No email yet.</p>{{end}}
</body>
</html>
`))

// Handler serves MailboxPath, MailboxLatestPath and MailboxMessagePath
// (register it for those three paths; it answers 404 for others). Dev mode
// only: it shows the links, tokens included. Its errors are JSON
// {"error":{"code","message"}}.
func (m *Mailbox) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSONError(w, http.StatusMethodNotAllowed, "method_not_allowed", "the dev mailbox is read-only")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		switch strings.TrimSuffix(r.URL.Path, "/") {
		case MailboxPath:
			if r.URL.Query().Get("format") == "json" {
				writeJSON(w, http.StatusOK, m.Messages())
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = mailboxPage.Execute(w, m.Messages())
		case MailboxLatestPath:
			c, ok := m.Latest(strings.TrimSpace(r.URL.Query().Get("to")))
			if !ok {
				writeJSONError(w, http.StatusNotFound, "not_found", "no email to this address in the dev mailbox")
				return
			}
			writeJSON(w, http.StatusOK, c)
		case MailboxMessagePath:
			c, ok := m.Find(r.URL.Query().Get("id"))
			if !ok || c.HTML == "" {
				writeJSONError(w, http.StatusNotFound, "not_found", "no such email, or it has no HTML body")
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(c.HTML))
		default:
			writeJSONError(w, http.StatusNotFound, "not_found", "not a dev mailbox page")
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}
