package routes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/auth"
)

func TestRequireSessionCSRF(t *testing.T) {
	d := testDeps(t)
	a := NewAPI(d)
	e := echo.New()
	e.HTTPErrorHandler = ErrorHandler(a.log)
	ok := func(c echo.Context) error { return c.String(200, PrincipalFrom(c).UserID) }
	e.GET("/x", ok, a.requireSession)
	e.POST("/x", ok, a.requireSession)

	tok, sess, err := d.Sessions.Issue(context.Background(), auth.SessionUser{UserID: "u1", Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	cookie := d.Sessions.Cookie(tok, sess)
	csrf := d.CSRF.Token(sess.ID)
	tests := []struct {
		name   string
		method string
		cookie bool
		hdr    map[string]string
		want   int
	}{
		{"no session", http.MethodGet, false, nil, 401},
		{"get needs no token", http.MethodGet, true, nil, 200},
		{"post without token", http.MethodPost, true, nil, 403},
		{"post with token", http.MethodPost, true, map[string]string{HeaderCSRF: csrf}, 200},
		{"post same-origin fetch", http.MethodPost, true, map[string]string{HeaderCSRF: csrf, "Sec-Fetch-Site": "same-origin"}, 200},
		{"post from allowed origin", http.MethodPost, true, map[string]string{HeaderCSRF: csrf, "Origin": "http://gw.test"}, 200},
		{"post cross-site", http.MethodPost, true, map[string]string{HeaderCSRF: csrf, "Origin": "http://evil.test"}, 403},
		{"token of another session", http.MethodPost, true, map[string]string{HeaderCSRF: d.CSRF.Token("other")}, 403},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/x", nil)
		if tt.cookie {
			r.AddCookie(cookie)
		}
		for k, v := range tt.hdr {
			r.Header.Set(k, v)
		}
		if w := serve(e, r); w.Code != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, w.Code, w.Body, tt.want)
		}
	}
	// A tampered cookie is no session.
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	r.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value + "x"})
	if w := serve(e, r); w.Code != 401 {
		t.Errorf("tampered cookie: %d", w.Code)
	}
}
