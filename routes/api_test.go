package routes

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/auth"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

// TestConvexCtxIdentity checks that convexCtx gives Convex the caller in
// both identity modes, and the request id.
func TestConvexCtxIdentity(t *testing.T) {
	key, err := auth.GenerateSigningKey(auth.AlgES256)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewConvexTokens(auth.ConvexTokenConfig{Issuer: "http://gw.test", Signing: key})
	if err != nil {
		t.Fatal(err)
	}
	dep := convextest.NewDeployment(convextest.Options{AdminKey: "test:key",
		VerifyToken: convextest.JWKSVerifier(tokens.JWKS(), "http://gw.test", "convex", nil)})
	dep.Query("users:whoami", func(_ context.Context, c *convextest.Call) (any, error) {
		if c.Identity == nil {
			return nil, nil
		}
		return map[string]any{"sub": c.Identity.Subject, "email": c.Identity.Email, "tid": c.Identity.TokenIdentifier}, nil
	})
	srv := convextest.NewServer(dep)
	defer srv.Close()
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: "test:key"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode     string
		wantAuth convextest.AuthKind
	}{{IdentityJWT, convextest.AuthUser}, {IdentityAdmin, convextest.AuthActing}} {
		t.Run(tt.mode, func(t *testing.T) {
			d := testDeps(t)
			d.Convex, d.IdentityMode, d.ConvexTokens = client, tt.mode, tokens
			a := NewAPI(d)
			e := echo.New()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r = r.WithContext(WithRequestID(r.Context(), "rid-"+tt.mode))
			c := e.NewContext(r, httptest.NewRecorder())

			var anon any
			if err := client.Query(a.callContext(c), "users:whoami", map[string]any{}, &anon); err != nil || anon != nil {
				t.Errorf("anonymous: %v %v", anon, err)
			}
			c.Set(principalKey, &Principal{UserID: "u1", Role: "member", Name: "Uma", Email: "uma@test.dev", SessionID: "s1"})
			var got map[string]any
			if err := client.Query(a.callContext(c), "users:whoami", map[string]any{}, &got); err != nil {
				t.Fatal(err)
			}
			if got["sub"] != "u1" || got["email"] != "uma@test.dev" || got["tid"] != "http://gw.test|u1" {
				t.Errorf("identity = %v", got)
			}
			calls := dep.Calls()
			last := calls[len(calls)-1]
			if last.Auth != tt.wantAuth || last.RequestID != "rid-"+tt.mode || last.Subject != "u1" {
				t.Errorf("recorded call = %+v", last)
			}
		})
	}
}
