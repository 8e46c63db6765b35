package gateway

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/auth"
)

// TestSessionKeysRotation: after a rotation (new SESSION_SECRET, the old one
// in SESSION_SECRETS_PREVIOUS) tokens signed with the old secret still
// verify, new tokens are signed with the new one, and once the old secret
// is dropped its tokens are refused.
func TestSessionKeysRotation(t *testing.T) {
	oldSecret, newSecret := Secret(strings.Repeat("o", 32)), Secret(strings.Repeat("n", 32))
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	sessions := func(current Secret, previous ...Secret) *auth.Sessions {
		t.Helper()
		s, err := auth.NewSessions(auth.SessionConfig{Keys: sessionKeys(current, previous),
			Issuer: "https://gw.test", Audience: sessionAudience, Store: store, Lifetime: time.Hour, UpdateAge: time.Minute, MaxAge: 2 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := context.Background()
	before := sessions(oldSecret)
	oldToken, _, err := before.Issue(ctx, auth.SessionUser{UserID: "u1", Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	during := sessions(newSecret, oldSecret)
	if _, err := during.Verify(ctx, oldToken); err != nil {
		t.Fatalf("old token refused during the rotation: %v", err)
	}
	newToken, _, err := during.Issue(ctx, auth.SessionUser{UserID: "u1", Role: "member"})
	if err != nil {
		t.Fatal(err)
	}
	after := sessions(newSecret)
	if _, err := after.Verify(ctx, newToken); err != nil {
		t.Fatalf("new token refused after the rotation: %v", err)
	}
	if _, err := after.Verify(ctx, oldToken); !errors.Is(err, auth.ErrInvalidSession) {
		t.Fatalf("old token after its secret was dropped: %v, want ErrInvalidSession", err)
	}
	if k := sessionKeys(newSecret, nil)[0].ID; k != sessionKeys(newSecret, []Secret{oldSecret})[0].ID || k == sessionKeys(oldSecret, nil)[0].ID {
		t.Fatalf("key ids must be stable per secret and differ between secrets: %q", k)
	}
}

// TestValidateSessionSecretsPrevious: a short previous secret is reported.
func TestValidateSessionSecretsPrevious(t *testing.T) {
	c := Defaults()
	c.Dev = true
	c.SessionSecretsPrevious = []Secret{"short"}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "SESSION_SECRETS_PREVIOUS") || strings.Contains(err.Error(), "short") {
		t.Fatalf("Validate() = %v, want a SESSION_SECRETS_PREVIOUS problem without the secret", err)
	}
}
