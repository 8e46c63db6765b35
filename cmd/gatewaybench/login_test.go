package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLoginAndCookies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Email, Password string }
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Password != "demo-member-pass" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"code":"invalid_credentials"}}`))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1"})
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: "c1"})
		http.SetCookie(w, &http.Cookie{Name: "old", Value: "", MaxAge: -1})
		w.Write([]byte(`{"csrfToken":"t1"}`))
	}))
	t.Cleanup(srv.Close)

	got, err := login(context.Background(), srv.URL, account{"member@demo.test", "demo-member-pass"})
	if err != nil {
		t.Fatal(err)
	}
	if got.cookie != "csrf=c1; session=s1" || got.csrf != "t1" {
		t.Errorf("session %+v", got)
	}
	if _, err := login(context.Background(), srv.URL, account{"member@demo.test", "wrong"}); err == nil {
		t.Error("want an error for a 401")
	}
}

func TestLoginTargetsRotate(t *testing.T) {
	ts := loginTargets("http://x")
	if len(ts) != len(benchAccounts)-1 {
		t.Fatalf("%d targets", len(ts))
	}
	seen := map[string]bool{}
	for _, tg := range ts {
		var b struct{ Email string }
		if err := json.Unmarshal(tg.Body, &b); err != nil || tg.Method != "POST" || tg.URL != "http://x/api/auth/login" {
			t.Fatalf("bad target %+v", tg)
		}
		seen[b.Email] = true
	}
	if len(seen) != len(benchAccounts)-1 || seen[cookieAccount.email] {
		t.Error("accounts not rotated, or the cookie account logged in by the load")
	}
}

func TestBcryptVerifyTime(t *testing.T) {
	d, err := bcryptVerifyTime(4, 3)
	if err != nil || d <= 0 {
		t.Fatalf("d=%v err=%v", d, err)
	}
}
