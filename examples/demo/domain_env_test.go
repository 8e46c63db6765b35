package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
	"github.com/convexgw/convexgw/routes"
)

// testEnv is the gateway's routes (the real route table, Handler) in front
// of a fake Convex deployment (over loopback HTTP) running the dev backend,
// the Go emulation of convex/.
type testEnv struct {
	t      testing.TB
	srv    *convextest.Server
	api    *routes.API
	app    *App
	bind   *Bindings
	client *convexclient.Client
	// accounts is the login contract's default implementation.
	accounts *accounts.Convex
	e        *echo.Echo
	tokens   *auth.ConvexTokens
	sess     *auth.Sessions
	csrf     *auth.CSRF
	users    map[string]accounts.Account // by name: admin, manager, member, inactive
	// signedIn is the session do uses per user name: one each, as a browser
	// keeps its cookie (the gateway caps sessions per user and revokes the
	// oldest, so a session per request would sign earlier ones out).
	signedIn map[string]signedIn
}

type signedIn struct {
	cookie *http.Cookie
	csrf   string
}

const (
	testDeployKey = "dev:test-deployment|secret-admin-key"
	testPublicURL = "http://gateway.test"
)

// newTestEnv starts a fresh dev backend and builds the routes in identity
// mode (routes.IdentityAdmin or routes.IdentityJWT).
func newTestEnv(t testing.TB, mode string) *testEnv {
	t.Helper()
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: testPublicURL, Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	// The fake trusts the gateway's tokens as a Convex customJwt provider
	// does (the same rules, order and texts), so the passthrough's answers
	// to bad tokens can be compared with a deployment's.
	dep := devbackend.New(devbackend.Options{}).Deployment(convextest.Options{
		AdminKey:    testDeployKey,
		VerifyToken: convextest.JWKSVerifier(tokens.JWKS(), testPublicURL, "convex", nil),
	})
	srv := convextest.NewServer(dep)
	t.Cleanup(srv.Close)
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: testDeployKey})
	if err != nil {
		t.Fatal(err)
	}
	store := auth.NewMemoryStore(auth.MemoryStoreConfig{})
	sess, err := auth.NewSessions(auth.SessionConfig{
		Keys:  []auth.SessionKey{{ID: "k1", Secret: bytes.Repeat([]byte("s"), 32)}},
		Store: store, Issuer: testPublicURL, Audience: "convexgw",
	})
	if err != nil {
		t.Fatal(err)
	}
	csrf, err := auth.NewCSRF(bytes.Repeat([]byte("c"), 32))
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{t: t, srv: srv, tokens: tokens, sess: sess, csrf: csrf}
	env.wire(client, mode)
	for _, name := range []string{"admin", "manager", "member", "inactive"} {
		u, err := env.accounts.FindByEmail(context.Background(), name+"@demo.test")
		if err != nil || u == nil {
			t.Fatalf("seed user %s: %v", name, err)
		}
		env.users[name] = *u
	}
	return env
}

// wire builds the routes (the real route table and middleware, with the
// demo app) over client in identity mode.
func (env *testEnv) wire(client *convexclient.Client, mode string) {
	env.t.Helper()
	env.app = New()
	env.bind, env.client = env.app.Bindings(), client
	if env.users == nil {
		env.users = map[string]accounts.Account{}
	}
	exposure, err := routes.NewExposure(nil, env.app.Registry())
	if err != nil {
		env.t.Fatal(err)
	}
	env.accounts = accounts.NewConvex(client, accounts.DefaultFunctions(), nil)
	env.api = routes.NewAPI(routes.Deps{Convex: client, IdentityMode: mode, PublicURL: testPublicURL,
		ConvexTokens: env.tokens, Sessions: env.sess, CSRF: env.csrf, Accounts: env.accounts,
		Origins: auth.NewOriginPolicy([]string{testPublicURL}), Exposure: exposure})
	env.e = env.api.Handler(env.app.Routes)
}

// session returns the cookie and CSRF token of a session for user name.
func (env *testEnv) session(name string) (*http.Cookie, string) {
	u := env.users[name]
	tok, s, err := env.sess.Start(context.Background(), auth.SessionUser{UserID: u.ID, Role: u.Role, Name: u.Name, Email: u.Email}, auth.ClientInfo{})
	if err != nil {
		env.t.Fatal(err)
	}
	return env.sess.Cookie(tok, s), env.csrf.Token(s.ID)
}

// token returns a gateway-issued Convex token for user name.
func (env *testEnv) token(name string) string {
	u := env.users[name]
	// Tokens belong to a session (their "sid"), as /api/auth/token issues them.
	_, sess, err := env.sess.Start(context.Background(), auth.SessionUser{UserID: u.ID, Role: u.Role, Name: u.Name, Email: u.Email}, auth.ClientInfo{})
	if err != nil {
		env.t.Fatal(err)
	}
	tok, _, err := env.tokens.Issue(auth.TokenUser{Subject: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, SessionID: sess.ID})
	if err != nil {
		env.t.Fatal(err)
	}
	return tok
}

// do sends a REST request as user name ("" = no session) with a JSON body
// (nil = none) and returns the status and body.
func (env *testEnv) do(method, path, user string, body any) (int, []byte) {
	env.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		if err != nil {
			env.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if user != "" {
		si, ok := env.signedIn[user]
		if !ok {
			si.cookie, si.csrf = env.session(user)
			if env.signedIn == nil {
				env.signedIn = map[string]signedIn{}
			}
			env.signedIn[user] = si
		}
		ck, csrf := si.cookie, si.csrf
		req.AddCookie(ck)
		req.Header.Set(routes.HeaderCSRF, csrf)
	}
	rec := httptest.NewRecorder()
	env.e.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func decodeJSON[T any](t testing.TB, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	return v
}

// errorBody is the gateway's error shape.
type errorBody struct {
	Error struct {
		Code      string            `json:"code"`
		Message   string            `json:"message"`
		RequestID string            `json:"requestId"`
		Fields    map[string]string `json:"fields"`
	} `json:"error"`
}

// createdResponse is the answer of a create route.
type createdResponse struct {
	ID string `json:"id"`
}

// wantError checks a gateway error answer.
func wantError(t testing.TB, status int, body []byte, wantStatus int, wantCode string) errorBody {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	eb := decodeJSON[errorBody](t, body)
	if eb.Error.Code != wantCode || eb.Error.RequestID == "" {
		t.Fatalf("error %+v, want code %s", eb.Error, wantCode)
	}
	return eb
}
