package convexclient

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestCredentialHeaders(t *testing.T) {
	id := Identity{Subject: "u1", Issuer: "https://gw.test", Name: "Ada", Custom: map[string]any{"role": "admin"}}
	idJSON := `{"issuer":"https://gw.test","name":"Ada","role":"admin","subject":"u1"}`
	cases := []struct {
		name     string
		ctxCred  *Credential
		defCred  Credential
		internal bool
		want     string
	}{
		{"default anonymous", nil, Credential{}, false, ""},
		{"explicit anonymous", credp(Anonymous()), UserToken(testToken), false, ""},
		{"user token", credp(UserToken(testToken)), Credential{}, false, "Bearer " + testToken},
		{"admin", credp(Admin()), Credential{}, false, "Convex " + testKey},
		{"acting as", credp(ActingAs(id)), Credential{}, false, "Convex " + testKey + ":" + base64.StdEncoding.EncodeToString([]byte(idJSON))},
		{"config default", nil, UserToken(testToken), false, "Bearer " + testToken},
		{"internal binding defaults to admin", nil, UserToken(testToken), true, "Convex " + testKey},
		{"context beats internal default", credp(UserToken(testToken)), Credential{}, true, "Bearer " + testToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := setup(t, reply(200, `{"status":"success","value":null}`), func(c *Config) { c.Credential = tc.defCred })
			ctx := context.Background()
			if tc.ctxCred != nil {
				ctx = WithCredential(ctx, *tc.ctxCred)
			}
			if _, err := hs.c.do(ctx, &callSpec{kind: KindQuery, path: "a:b", internal: tc.internal}); err != nil {
				t.Fatal(err)
			}
			_, _, h := hs.rec.last()
			if got := h.Get("Authorization"); got != tc.want {
				t.Fatalf("Authorization = %q, want %q", got, tc.want)
			}
			if _, present := h["Authorization"]; present != (tc.want != "") {
				t.Fatalf("header presence = %v", present)
			}
		})
	}
}

func TestAdminWithoutDeployKey(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`), func(c *Config) {
		c.DeployKey = ""
		c.DeployKeySetting = "MY_KEY"
	})
	for _, cred := range []Credential{Admin(), ActingAs(Identity{TokenIdentifier: "x|y"})} {
		err := hs.c.Query(WithCredential(context.Background(), cred), "a:b", nil, nil)
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Setting != "MY_KEY" || !errors.Is(err, ErrNotConfigured) {
			t.Fatalf("%v: err = %v", cred, err)
		}
		if ev := hs.lastEvent(t); ev.Outcome != OutcomeNotConfigured || ev.Attempts != 0 {
			t.Fatalf("event %+v", ev)
		}
	}
	if hs.rec.hits.Load() != 0 {
		t.Fatal("request sent without a key")
	}
	if err := hs.c.Query(WithCredential(context.Background(), ActingAs(Identity{Name: "x"})), "a:b", nil, nil); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("identity without subject: %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	// The backend echoes the Authorization header in every answer, the worst case.
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			a := r.Header.Get("Authorization")
			w.WriteHeader(status)
			if status == 200 {
				_, _ = io.WriteString(w, `{"status":"error","errorMessage":"bad `+a+`","logLines":["[LOG] `+a+`"]}`)
				return
			}
			_, _ = io.WriteString(w, `{"code":"InvalidAuthHeader","message":"bad `+a+`"}`)
		}
	}
	creds := []Credential{UserToken(testToken), Admin(), ActingAs(Identity{Subject: "s", Issuer: "i"})}
	var printed []string
	for _, status := range []int{200, 401, 503} {
		hs := setup(t, echo(status))
		for _, cred := range creds {
			err := hs.c.Mutation(WithCredential(context.Background(), cred), "a:b", nil, nil)
			if err == nil {
				t.Fatal("no error")
			}
			printed = append(printed, err.Error(), fmt.Sprintf("%+v|%#v", err, err))
			var fe *FunctionError
			if errors.As(err, &fe) {
				printed = append(printed, fe.Message, strings.Join(fe.LogLines, "\n"))
			}
		}
		printed = append(printed, verbs(hs.c)...)
	}
	cfg := Config{URL: "https://a.convex.cloud", DeployKey: testKey, Credential: UserToken(testToken)}
	printed = append(printed, verbs(cfg)...)
	printed = append(printed, verbs(&cfg)...)
	for _, c := range creds {
		printed = append(printed, verbs(c)...)
	}
	_, err := New(Config{URL: "https://user:" + testKey + "@a.convex.cloud", DeployKey: "bad key " + testKey})
	printed = append(printed, err.Error())
	for _, p := range printed {
		for _, secret := range []string{testToken, testKey, "c2VjcmV0LWRlcGxveS1rZXk"} {
			if strings.Contains(p, secret) {
				t.Fatalf("secret printed in %q", p)
			}
		}
	}
}

func verbs(v any) []string {
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out = append(out, fmt.Sprintf(f, v))
	}
	return out
}

func credp(c Credential) *Credential { return &c }

func TestRequestIDSanitised(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`))
	for id, want := range map[string]string{"abc-1": "abc-1", "bad\nid": "", "": "", strings.Repeat("x", 300): ""} {
		_ = hs.c.Query(WithRequestID(context.Background(), id), "a:b", nil, nil)
		if _, _, h := hs.rec.last(); h.Get("Convex-Request-Id") != want {
			t.Errorf("id %q sent as %q", id, h.Get("Convex-Request-Id"))
		}
	}
}
