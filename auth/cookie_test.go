package auth

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestCookies(t *testing.T) {
	clk := newClock()
	s := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{}))
	tok, sess, _ := s.Issue(bg, SessionUser{UserID: "u1"})
	c := s.Cookie(tok, sess)
	if c.Name != "__Host-cgw_session" || c.Name != s.CookieName() || c.Value != tok || !c.HttpOnly || !c.Secure ||
		c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" || c.MaxAge != 7*24*3600 || !c.Expires.Equal(sess.ExpiresAt) {
		t.Fatalf("session cookie = %+v", c)
	}
	// __Host- cookies must be Secure, Path=/ and have no Domain; net/http renders them valid.
	if line := c.String(); !strings.HasPrefix(line, "__Host-cgw_session=") || !strings.Contains(line, "HttpOnly") || !strings.Contains(line, "Secure") || !strings.Contains(line, "SameSite=Lax") {
		t.Fatalf("Set-Cookie = %q", line)
	}
	csrf := s.CSRFCookie("tok", sess)
	if csrf.Name != "__Host-cgw_csrf" || csrf.Name != s.CSRFCookieName() || csrf.HttpOnly || !csrf.Secure || csrf.Path != "/" {
		t.Fatalf("csrf cookie = %+v", csrf)
	}
	for _, cl := range []*http.Cookie{s.ClearCookie(), s.ClearCSRFCookie()} {
		if cl.MaxAge != -1 || cl.Value != "" || !strings.Contains(cl.String(), "Max-Age=0") {
			t.Fatalf("clear cookie = %q", cl.String())
		}
	}
	clk.Advance(8 * 24 * time.Hour)
	if c := s.Cookie(tok, sess); c.MaxAge != -1 {
		t.Fatalf("cookie for an expired session = %+v, want a deleting cookie", c)
	}

	dev, err := NewSessions(SessionConfig{Keys: []SessionKey{testKeyA}, Issuer: "i", Audience: "a", Store: NewMemoryStore(MemoryStoreConfig{}), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if c := dev.Cookie("t", Session{ExpiresAt: clk.Now().Add(time.Hour)}); c.Name != "cgw_session" || c.Secure || !c.HttpOnly {
		t.Fatalf("insecure dev cookie = %+v", c)
	}
}
