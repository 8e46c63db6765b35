package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

func startTestFake(t *testing.T) *fakeBackend {
	t.Helper()
	f, err := startFake("dev:benchtest", "tasks:list")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.close)
	return f
}

// memberID finds the member's user id through the deploy key.
func memberID(t *testing.T, c *convexclient.Client) string {
	t.Helper()
	var u struct {
		ID string `json:"_id"`
	}
	ctx := convexclient.WithCredential(context.Background(), convexclient.Admin())
	if err := c.Query(ctx, "auth:getUserByEmail", map[string]any{"email": "member@demo.test"}, &u); err != nil {
		t.Fatal(err)
	}
	if u.ID == "" {
		t.Fatal("member not found in the dev backend")
	}
	return u.ID
}

func TestFakeCapturesAndReplays(t *testing.T) {
	f := startTestFake(t)
	c, err := convexclient.New(convexclient.Config{URL: f.url, DeployKey: f.deployKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := f.capturedCall(); err == nil {
		t.Fatal("captured before any call")
	}
	id := memberID(t, c)
	ctx := convexclient.WithCredential(context.Background(),
		convexclient.ActingAs(convexclient.Identity{Subject: id, Issuer: "http://bench"}))
	first, err := c.CallRaw(ctx, convexclient.KindQuery, "tasks:list", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	path, hdr, body, err := f.capturedCall()
	if err != nil {
		t.Fatal(err)
	}
	if path != "/api/query" || !strings.HasPrefix(hdr.Get("Authorization"), "Convex ") {
		t.Fatalf("captured %s %v", path, hdr)
	}
	// The replayed request gets the same answer as the gateway's.
	req, _ := http.NewRequest("POST", f.url+path, strings.NewReader(string(body)))
	req.Header = hdr
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != string(first) || !strings.Contains(string(got), `"status":"success"`) {
		t.Errorf("replay: %d %s\nwant %s", resp.StatusCode, got, first)
	}
}

func TestFakeHangAndHeal(t *testing.T) {
	f := startTestFake(t)
	c, err := convexclient.New(convexclient.Config{URL: f.url, DeployKey: f.deployKey,
		Timeout: 100 * time.Millisecond, Retry: convexclient.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	id := memberID(t, c)
	ctx := convexclient.WithCredential(context.Background(), convexclient.ActingAs(convexclient.Identity{Subject: id, Issuer: "http://bench"}))
	f.hang("tasks:list")
	_, err = c.CallRaw(ctx, convexclient.KindQuery, "tasks:list", []byte(`{}`))
	if !errors.Is(err, convexclient.ErrTimeout) {
		t.Fatalf("hung call: err = %v, want ErrTimeout", err)
	}
	f.heal()
	if _, err := c.CallRaw(ctx, convexclient.KindQuery, "tasks:list", []byte(`{}`)); err != nil {
		t.Fatalf("after heal: %v", err)
	}
}

func TestFakeVerifier(t *testing.T) {
	f := startTestFake(t)
	if _, err := f.verifyToken("x"); err == nil {
		t.Error("no verifier: want an error")
	}
	f.setVerifier(func(string) (*convexclient.Identity, error) { return &convexclient.Identity{Subject: "s"}, nil })
	if id, err := f.verifyToken("x"); err != nil || id.Subject != "s" {
		t.Errorf("verifier not used: %v %v", id, err)
	}
}
