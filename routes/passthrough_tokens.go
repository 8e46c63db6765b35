package routes

import (
	"sync"
	"time"

	"convexgw/auth"
)

// maxVerifiedTokens bounds the verified-token cache; when full, expired
// entries are swept and, if it is still full, it starts over.
const maxVerifiedTokens = 4096

// tokenVerifier checks the bearer tokens of passthrough calls. A browser
// sends the same gateway-issued token on every call until it expires, so a
// successful verification is remembered until the token's expiry: repeated
// calls skip the signature check (about 0.1 ms for ES256, more for RS256).
// Failures are not cached. Safe for concurrent use.
type tokenVerifier struct {
	tokens *auth.ConvexTokens
	now    func() time.Time

	mu sync.Mutex
	ok map[string]auth.TokenClaims
}

func newTokenVerifier(t *auth.ConvexTokens, now func() time.Time) *tokenVerifier {
	return &tokenVerifier{tokens: t, now: now, ok: make(map[string]auth.TokenClaims)}
}

// verify returns the claims of a valid token; errors match auth.ErrInvalidToken.
func (v *tokenVerifier) verify(token string) (auth.TokenClaims, error) {
	now := v.now()
	v.mu.Lock()
	c, hit := v.ok[token]
	v.mu.Unlock()
	if hit && now.Before(c.ExpiresAt) {
		return c, nil
	}
	c, err := v.tokens.Verify(token)
	if err != nil {
		return c, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.ok) >= maxVerifiedTokens {
		for k, e := range v.ok {
			if !now.Before(e.ExpiresAt) {
				delete(v.ok, k)
			}
		}
		if len(v.ok) >= maxVerifiedTokens {
			clear(v.ok)
		}
	}
	v.ok[token] = c
	return c, nil
}
