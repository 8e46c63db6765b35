package routes

import (
	"fmt"
	"time"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
)

// tokenReuseMargin: a cached Convex token is re-issued once it has less
// than this left, so a token handed to Convex never expires mid-call.
const tokenReuseMargin = time.Minute

// tokenCacheMax bounds the cache (see ttlCache).
const tokenCacheMax = 10000

// tokenCache keeps one gateway-signed Convex JWT per session: signing (RSA
// especially) per request is too slow. Tokens carry the session id ("sid"),
// so the passthrough refuses those of a revoked session, and one session's
// logout never leaves a token of another session in use. Safe for
// concurrent use.
type tokenCache struct {
	tokens *auth.ConvexTokens
	now    func() time.Time
	m      *ttlCache[string, cachedToken] // by session id; entries end tokenReuseMargin before exp
}

type cachedToken struct {
	token string
	exp   time.Time
	user  auth.TokenUser          // a change of role/name/email re-issues
	cred  convexclient.Credential // UserToken(token), built once
}

func newTokenCache(t *auth.ConvexTokens, now func() time.Time) *tokenCache {
	return &tokenCache{tokens: t, now: now, m: newTTLCache[string, cachedToken](tokenCacheMax)}
}

// get returns a token for p valid for at least tokenReuseMargin.
func (tc *tokenCache) get(p *Principal) (string, time.Time, error) {
	ct, err := tc.entry(p)
	return ct.token, ct.exp, err
}

// credential returns the UserToken credential of get's token.
func (tc *tokenCache) credential(p *Principal) (convexclient.Credential, error) {
	ct, err := tc.entry(p)
	return ct.cred, err
}

func (tc *tokenCache) entry(p *Principal) (cachedToken, error) {
	u := auth.TokenUser{Subject: p.UserID, Name: p.Name, Email: p.Email, Role: p.Role, SessionID: p.SessionID}
	now := tc.now()
	if ct, ok := tc.m.get(p.SessionID, now); ok && ct.user == u {
		return ct, nil
	}
	tok, exp, err := tc.tokens.Issue(u)
	if err != nil {
		return cachedToken{}, fmt.Errorf("issue convex token: %w", err)
	}
	ct := cachedToken{token: tok, exp: exp, user: u, cred: convexclient.UserToken(tok)}
	tc.m.put(p.SessionID, ct, exp.Add(-tokenReuseMargin), now)
	return ct, nil
}
