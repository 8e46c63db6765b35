package mail_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/convexgw/convexgw/mail"
)

func email(i int, to string) mail.Email {
	return mail.Email{MessageID: fmt.Sprintf("m%d@app.test", i), From: "no-reply@app.test", To: to, Template: mail.VerifyEmail,
		Subject: fmt.Sprintf("Subject <%d>", i), Text: fmt.Sprintf("open https://app.test/verify-email?token=t%d now", i),
		HTML: fmt.Sprintf(`<p><a href="https://app.test/verify-email?token=t%d">x</a></p>`, i)}
}

func TestMailboxBounded(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	box := mail.NewMailbox(mail.MailboxConfig{Size: 3, Logger: zap.New(core), Now: func() time.Time { return clock }})
	for i := range 5 {
		if err := box.Deliver(context.Background(), email(i, fmt.Sprintf("u%d@example.org", i%2))); err != nil {
			t.Fatal(err)
		}
	}
	msgs := box.Messages()
	if len(msgs) != 3 || msgs[0].ID != "m4@app.test" || msgs[2].ID != "m2@app.test" {
		t.Fatalf("kept %v", ids(msgs))
	}
	// A retried delivery (same Message-ID) replaces its copy and becomes the newest.
	again := email(2, "u0@example.org")
	again.Subject = "retried"
	_ = box.Deliver(context.Background(), again)
	msgs = box.Messages()
	if got := ids(msgs); got != "m2@app.test m4@app.test m3@app.test" || msgs[0].Subject != "retried" {
		t.Fatalf("after a retry: %s", got)
	}
	if c, ok := box.Latest("U1@example.org"); !ok || c.ID != "m3@app.test" || c.Links[0] != "https://app.test/verify-email?token=t3" {
		t.Errorf("Latest(u1) = %+v %v", c, ok)
	}
	if _, ok := box.Latest("nobody@example.org"); ok {
		t.Error("Latest for an unknown address")
	}
	// Messages returns copies.
	msgs[0].Links[0] = "changed"
	if c, _ := box.Latest(""); c.Links[0] == "changed" {
		t.Error("Messages shares its slices")
	}
	if n := logs.FilterField(zap.Strings("links", []string{"https://app.test/verify-email?token=t4"})).Len(); n != 1 {
		t.Errorf("capture not logged with its link: %v", logs.All())
	}
}

func ids(cs []mail.Captured) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return strings.Join(out, " ")
}

// TestMailboxHandler reads the dev mailbox over real HTTP.
func TestMailboxHandler(t *testing.T) {
	box := mail.NewMailbox(mail.MailboxConfig{})
	srv := httptest.NewServer(box.Handler())
	defer srv.Close()
	get := func(path string) (int, http.Header, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	if code, _, body := get(mail.MailboxPath); code != 200 || !strings.Contains(body, "No email yet") {
		t.Errorf("empty page: %d %s", code, body)
	}
	if code, _, body := get(mail.MailboxLatestPath + "?to=a@example.org"); code != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("latest of none: %d %s", code, body)
	}
	_ = box.Deliver(context.Background(), email(1, "a@example.org"))
	_ = box.Deliver(context.Background(), email(2, "b@example.org"))

	code, h, body := get(mail.MailboxPath)
	if code != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("page: %d %v", code, h)
	}
	if !strings.Contains(body, "Subject &lt;2&gt;") || strings.Contains(body, "Subject <2>") ||
		!strings.Contains(body, `<a href="https://app.test/verify-email?token=t1">`) ||
		strings.Index(body, "Subject &lt;2&gt;") > strings.Index(body, "Subject &lt;1&gt;") {
		t.Errorf("page body:\n%s", body)
	}
	code, h, body = get(mail.MailboxLatestPath + "?to=" + url.QueryEscape("A@example.org"))
	var c mail.Captured
	if code != 200 || h.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(body), &c) != nil ||
		c.To != "a@example.org" || len(c.Links) != 1 || c.Links[0] != "https://app.test/verify-email?token=t1" {
		t.Errorf("latest: %d %s", code, body)
	}
	var all []mail.Captured
	if code, _, body = get(mail.MailboxPath + "?format=json"); code != 200 || json.Unmarshal([]byte(body), &all) != nil || len(all) != 2 {
		t.Errorf("json list: %d %s", code, body)
	}
	if code, h, body = get(mail.MailboxMessagePath + "?id=m2@app.test"); code != 200 || h.Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(body, "token=t2") {
		t.Errorf("html view: %d %s", code, body)
	}
	if code, _, _ = get(mail.MailboxMessagePath + "?id=nope"); code != 404 {
		t.Errorf("unknown message: %d", code)
	}
	if code, _, _ = get("/dev/other"); code != 404 {
		t.Errorf("other path: %d", code)
	}
	resp, err := http.Post(srv.URL+mail.MailboxPath, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}
