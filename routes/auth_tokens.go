package routes

import (
	"fmt"
	"sync"
	"time"

	"convexgw/auth"
)

// tokenReuseMargin: a cached Convex token is re-issued once it has less
// than this left, so a token handed to Convex never expires mid-call.
const tokenReuseMargin = time.Minute

// tokenCacheMax bounds the cache; when full, expired entries are swept and,
// if still full, the cache starts over (a burst of re-signing, never growth).
const tokenCacheMax = 10000

// tokenCache keeps one gateway-signed Convex JWT per user: signing (RSA
// especially) per request is too slow. Safe for concurrent use.
type tokenCache struct {
	tokens *auth.ConvexTokens
	now    func() time.Time

	mu sync.Mutex
	m  map[string]cachedToken
}

type cachedToken struct {
	token string
	exp   time.Time
	user  auth.TokenUser // a change of role/name/email re-issues
}

func newTokenCache(t *auth.ConvexTokens, now func() time.Time) *tokenCache {
	return &tokenCache{tokens: t, now: now, m: make(map[string]cachedToken)}
}

// get returns a token for p valid for at least tokenReuseMargin.
func (tc *tokenCache) get(p *Principal) (string, time.Time, error) {
	u := auth.TokenUser{Subject: p.UserID, Name: p.Name, Email: p.Email, Role: p.Role}
	now := tc.now()
	tc.mu.Lock()
	ct, ok := tc.m[p.UserID]
	tc.mu.Unlock()
	if ok && ct.user == u && now.Add(tokenReuseMargin).Before(ct.exp) {
		return ct.token, ct.exp, nil
	}
	tok, exp, err := tc.tokens.Issue(u)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue convex token: %w", err)
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if len(tc.m) >= tokenCacheMax {
		for k, v := range tc.m {
			if !now.Before(v.exp) {
				delete(tc.m, k)
			}
		}
		if len(tc.m) >= tokenCacheMax {
			clear(tc.m)
		}
	}
	tc.m[p.UserID] = cachedToken{token: tok, exp: exp, user: u}
	return tok, exp, nil
}
