package routes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/auth"
)

// TestSessionCacheRevocation: a session served from the verified-token
// cache is still checked against the revocation store and the clock on
// every request, so logout and expiry take effect at once.
func TestSessionCacheRevocation(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	d := testDeps(t)
	sessions, err := auth.NewSessions(auth.SessionConfig{
		Keys:   []auth.SessionKey{{ID: "k", Secret: []byte(strings.Repeat("k", 32))}},
		Issuer: "http://gw.test", Audience: "test", Store: auth.NewMemoryStore(auth.MemoryStoreConfig{Now: clock}),
		Lifetime: time.Hour, UpdateAge: 50 * time.Minute, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Sessions, d.Now = sessions, clock
	a := NewAPI(d)
	e := echo.New()
	e.HTTPErrorHandler = ErrorHandler(a.log)
	e.GET("/x", func(c echo.Context) error { return c.String(200, PrincipalFrom(c).UserID) }, a.requireSession)
	get := func(ck *http.Cookie) int {
		r := httptest.NewRequest(http.MethodGet, "/x", nil)
		r.AddCookie(ck)
		return serve(e, r).Code
	}
	issue := func() (*http.Cookie, auth.Session) {
		tok, sess, err := sessions.Issue(context.Background(), auth.SessionUser{UserID: "u1", Role: "member"})
		if err != nil {
			t.Fatal(err)
		}
		return sessions.Cookie(tok, sess), sess
	}

	ck, sess := issue()
	for range 2 {
		if code := get(ck); code != 200 {
			t.Fatalf("valid session: %d", code)
		}
	}
	if n := a.sessions.len(); n != 1 {
		t.Fatalf("cache holds %d sessions, want 1", n)
	}
	if err := sessions.Revoke(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	if code := get(ck); code != 401 {
		t.Fatalf("revoked session served from the cache: %d", code)
	}
	if code := get(ck); code != 401 {
		t.Fatalf("revoked session accepted on retry: %d", code)
	}

	// Expiry: cached entries never outlive the token; the leeway is Verify's.
	ck2, _ := issue()
	advance(59 * time.Minute)
	if code := get(ck2); code != 200 {
		t.Fatalf("valid session: %d", code)
	}
	advance(time.Minute + 4*time.Second) // within the 5 s leeway: still valid
	if code := get(ck2); code != 200 {
		t.Fatalf("session inside the leeway: %d", code)
	}
	advance(time.Second) // at exp+leeway
	if code := get(ck2); code != 401 {
		t.Fatalf("expired session accepted: %d", code)
	}

	// A tampered token is never a hit: the key is the whole token.
	ck3, _ := issue()
	if code := get(ck3); code != 200 {
		t.Fatalf("valid session: %d", code)
	}
	if code := get(&http.Cookie{Name: ck3.Name, Value: ck3.Value + "x"}); code != 401 {
		t.Fatalf("tampered cookie: %d", code)
	}
}
