package convextest

import (
	"encoding/base64"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/convexgw/convexgw/convexclient"
)

// JWKSURLOptions configure JWKSURLVerifier.
type JWKSURLOptions struct {
	// URL is the provider's JWKS URL, e.g. a gateway's
	// http://127.0.0.1:8080/.well-known/jwks.json, or a data: URL.
	URL string
	// Issuer is the provider's issuer; tokens must carry it in iss.
	Issuer string
	// ApplicationID, if set, must be in the token's aud.
	ApplicationID string
	// HTTPClient fetches the JWKS. Nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock for token times and the JWKS cache. Nil means time.Now.
	Now func() time.Time
}

// JWKSURLVerifier returns an Options.VerifyToken that checks Bearer JWTs as
// a Convex customJwt provider whose jwks is a URL does: the JWKS is fetched
// with GET (Accept: application/json) when a token needs it, must answer
// 200 with Content-Type application/json or application/jwk-set+json, and
// is cached as its Cache-Control allows (max-age; no-store, no-cache or no
// header: refetched for every token). So a key must be published before
// tokens signed with it are used, as with Convex. Fetch failures are 401
// InvalidAuthHeader with the backend's texts (convex-backend
// crates/authentication/src/lib.rs fetch_jwks). Token rules are
// JWKSVerifier's. Safe for concurrent use.
func JWKSURLVerifier(o JWKSURLOptions) func(string) (*convexclient.Identity, error) {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	f := &jwksFetcher{url: o.URL, hc: o.HTTPClient, now: o.Now}
	p := &customJWT{issuer: o.Issuer, applicationID: o.ApplicationID, now: o.Now, keys: f.keys}
	return p.verify
}

// jwksFetcher fetches and caches one JWKS URL.
type jwksFetcher struct {
	url string
	hc  *http.Client
	now func() time.Time

	mu      sync.Mutex
	cached  []jwk
	expires time.Time
}

// keys returns the JWKS, from the cache while it is fresh.
func (f *jwksFetcher) keys() ([]jwk, *AuthError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cached != nil && f.now().Before(f.expires) {
		return f.cached, nil
	}
	body, maxAge, aerr := f.fetch()
	if aerr != nil {
		return nil, aerr
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, invalidAuth("Invalid JWKS response body from '" + f.url + "'. The response is not valid JSON or doesn't match the expected JWKS format.")
	}
	f.cached, f.expires = nil, time.Time{}
	if maxAge > 0 {
		f.cached, f.expires = keys, f.now().Add(maxAge)
	}
	return keys, nil
}

// fetch GETs the JWKS and returns its body and how long it may be cached.
func (f *jwksFetcher) fetch() ([]byte, time.Duration, *AuthError) {
	if strings.HasPrefix(f.url, "data:") {
		b, ok := decodeDataURL(f.url)
		if !ok {
			return nil, 0, invalidAuth("Invalid JWKS data URL. Check that the data URL is properly formatted and contains valid base64-encoded JSON.")
		}
		return b, 365 * 24 * time.Hour, nil
	}
	req, err := http.NewRequest(http.MethodGet, f.url, nil)
	if err != nil {
		return nil, 0, f.fetchFailed(err.Error())
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, 0, f.fetchFailed(err.Error())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		reason := http.StatusText(resp.StatusCode)
		if reason == "" {
			reason = "Unknown"
		}
		return nil, 0, invalidAuth("Could not fetch JWKS from URL '" + f.url + "': HTTP " + strconv.Itoa(resp.StatusCode) + " " + reason +
			". Check that the URL is correct and accessible.")
	}
	if ct := resp.Header.Get("Content-Type"); !jwksContentType(ct) {
		if ct == "" {
			ct = "unknown"
		}
		return nil, 0, invalidAuth("Invalid Content-Type '" + ct + "' when fetching JWKS from '" + f.url +
			"'. Expected 'application/json' or 'application/jwk-set+json'.")
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, f.fetchFailed(err.Error())
	}
	return body, cacheLifetime(resp.Header.Get("Cache-Control")), nil
}

func (f *jwksFetcher) fetchFailed(detail string) *AuthError {
	return invalidAuth("Could not fetch JWKS from URL '" + f.url + "': " + detail + ". Check that the URL is correct and accessible.")
}

// jwksContentType accepts application/json and application/jwk-set+json,
// with charset utf-8 if any.
func jwksContentType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && mt != "application/jwk-set+json") {
		return false
	}
	cs, ok := params["charset"]
	return !ok || cs == "utf-8"
}

// cacheLifetime reads max-age from Cache-Control; no-store and no-cache
// (or no max-age) mean 0: not reused.
func cacheLifetime(cc string) time.Duration {
	var maxAge time.Duration
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case d == "no-store", d == "no-cache":
			return 0
		case strings.HasPrefix(d, "max-age="):
			n, err := strconv.Atoi(strings.Trim(d[len("max-age="):], `"`))
			if err == nil && n > 0 {
				maxAge = time.Duration(n) * time.Second
			}
		}
	}
	return maxAge
}

// decodeDataURL decodes "data:[<type>][;base64],<data>".
func decodeDataURL(u string) ([]byte, bool) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(u, "data:"), ",")
	if !ok {
		return nil, false
	}
	if strings.HasSuffix(meta, ";base64") {
		b, err := base64.StdEncoding.DecodeString(data)
		return b, err == nil
	}
	s, err := url.PathUnescape(data)
	return []byte(s), err == nil
}
