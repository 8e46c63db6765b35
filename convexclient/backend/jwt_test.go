package backend

import (
	"encoding/base64"
	"testing"
	"time"
)

func jwtOf(header, payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestUnverifiedClaims(t *testing.T) {
	tests := []struct {
		token string
		ok    bool
	}{
		{jwtOf(`{}`, `{"iss":"https://a","sub":"u","exp":10}`), true},
		{jwtOf(`{}`, `{}`), true},
		{"not-a-jwt", false},
		{"a.b", false},
		{"a.!!!.c", false},
		{jwtOf(`{}`, `[1]`), false},
		{jwtOf(`{}`, `null`), false},
		{jwtOf(`{}`, `{"exp":"soon"}`), false},
		{jwtOf(`{}`, `{"exp":1.5}`), false},
		{jwtOf(`{}`, `{"iss":5}`), false},
		{jwtOf(`{}`, `{"sub":true}`), false},
	}
	for _, tt := range tests {
		if _, err := UnverifiedClaims(tt.token); (err == nil) != tt.ok {
			t.Errorf("%s: %v, want ok=%v", tt.token, err, tt.ok)
		}
	}
	if k := UnverifiedKid(jwtOf(`{"alg":"ES256","kid":"k1"}`, `{}`)); k != "k1" {
		t.Errorf("kid %q", k)
	}
	if k := UnverifiedKid("%%%.x.y"); k != "" {
		t.Errorf("kid of garbage %q", k)
	}
}

func TestTemporalError(t *testing.T) {
	now := time.Unix(1000, 0)
	tests := []struct {
		claims map[string]any
		want   string
	}{
		{map[string]any{"exp": 1000.0}, ""},
		{map[string]any{"exp": 995.0}, ""},
		{map[string]any{"exp": 994.0}, "Token expired 6 seconds ago"},
		{map[string]any{"exp": 2000.0, "nbf": 1006.0}, "Token will be valid in 6 seconds"},
		{map[string]any{"exp": 2000.0, "iat": 1005.0}, ""},
		{map[string]any{"exp": 2000.0, "iat": 1010.0}, "Token will be valid in 10 seconds"},
		{map[string]any{}, ""},
	}
	for _, tt := range tests {
		if got := TemporalError(tt.claims, now); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.claims, got, tt.want)
		}
	}
}

func TestMatchesProvider(t *testing.T) {
	tests := []struct {
		claims     map[string]any
		iss, appID string
		want       bool
	}{
		{map[string]any{"iss": "https://gw.test", "aud": "convex"}, "https://gw.test/", "convex", true},
		{map[string]any{"iss": "gw.test", "aud": []any{"x", "convex"}}, "https://gw.test", "convex", true},
		{map[string]any{"iss": "https://gw.test"}, "https://gw.test", "", true},
		{map[string]any{"iss": "https://gw.test", "aud": "other"}, "https://gw.test", "convex", false},
		{map[string]any{"iss": "https://evil.test", "aud": "convex"}, "https://gw.test", "convex", false},
		{map[string]any{"iss": "https://gw.test"}, "https://gw.test", "convex", false},
	}
	for _, tt := range tests {
		if got := MatchesProvider(tt.claims, tt.iss, tt.appID); got != tt.want {
			t.Errorf("%v vs %s/%s: %v", tt.claims, tt.iss, tt.appID, got)
		}
	}
	e := ErrNoCustomJWTProvider("gw.test/", "")
	if e.Status != 401 || e.Code != "NoAuthProvider" || e.Message != "No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your configured providers: [CustomJWT(issuer=https://gw.test, app_id=none)]" {
		t.Errorf("%+v", e)
	}
	if e := ErrTokenDecode(""); e.Message != "Could not decode token. JWT may be missing a 'kid' (key ID) header." {
		t.Errorf("%+v", e)
	}
}

// FuzzUnverifiedClaims: never panics; accepted claims have typed
// registered claims.
func FuzzUnverifiedClaims(f *testing.F) {
	f.Add(jwtOf(`{}`, `{"iss":"https://a","sub":"u","exp":10}`))
	f.Add("a.b.c")
	f.Add(jwtOf(`{}`, `{"exp":1e400}`))
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := UnverifiedClaims(tok)
		if err != nil {
			return
		}
		if v, ok := c["exp"]; ok {
			if _, num := v.(float64); !num {
				t.Fatalf("exp %v", v)
			}
		}
		_ = TemporalError(c, time.Unix(0, 0))
	})
}
