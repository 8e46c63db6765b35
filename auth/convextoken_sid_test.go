package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestConvexTokenSessionBound: a token carries its session's id as "sid",
// Verify returns it, and the registry refuses it once the session is
// revoked (the passthrough's check).
func TestConvexTokenSessionBound(t *testing.T) {
	clk := newClock()
	ct := newTestTokens(t, clk, AlgES256)
	sessions := newTestSessions(t, clk, NewMemoryStore(MemoryStoreConfig{}))
	_, sess, _ := sessions.Start(bg, SessionUser{UserID: "u1"}, ClientInfo{})
	tok, _, err := ct.Issue(TokenUser{Subject: "u1", SessionID: sess.ID})
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil || raw["sid"] != sess.ID {
		t.Fatalf("payload %s lacks sid %q", payload, sess.ID)
	}
	claims, err := ct.Verify(tok)
	if err != nil || claims.SessionID != sess.ID {
		t.Fatalf("Verify = %+v, %v", claims, err)
	}
	if err := sessions.CheckID(bg, claims.Subject, claims.SessionID); err != nil {
		t.Fatalf("live session refused: %v", err)
	}
	_ = sessions.Revoke(bg, sess)
	if err := sessions.CheckID(bg, claims.Subject, claims.SessionID); !errors.Is(err, ErrSessionRevoked) {
		t.Fatalf("token of a revoked session: CheckID = %v, want ErrSessionRevoked", err)
	}
	// Without a session id the claim is left out.
	tok2, _, _ := ct.Issue(TokenUser{Subject: "u1"})
	payload, _ = base64.RawURLEncoding.DecodeString(strings.Split(tok2, ".")[1])
	if strings.Contains(string(payload), `"sid"`) {
		t.Fatalf("empty sid written: %s", payload)
	}
	if c, _ := ct.Verify(tok2); c.SessionID != "" {
		t.Fatalf("SessionID = %q, want empty", c.SessionID)
	}
	if !strings.Contains(string(ct.Discovery()), `"sid"`) {
		t.Fatal("discovery does not list the sid claim")
	}
}
