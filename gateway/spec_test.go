package gateway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSpecFile writes a function spec listing fns (identifier → "Query
// public", "Mutation internal", ...) and returns its path.
func writeSpecFile(t *testing.T, fns map[string]string) string {
	t.Helper()
	var list []map[string]any
	for id, kv := range fns {
		kind, vis, _ := strings.Cut(kv, " ")
		list = append(list, map[string]any{"identifier": id, "functionType": kind,
			"visibility": map[string]string{"kind": vis}, "args": map[string]string{"type": "any"}})
	}
	data, _ := json.Marshal(map[string]any{"url": "https://x.convex.cloud", "functions": list})
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// messagesSpec is a small app's spec: public messages functions, an
// internal user lookup, the login contract's mutations.
func messagesSpec() map[string]string {
	return map[string]string{
		"messages.js:list": "Query public", "messages.js:send": "Mutation public",
		"messages.js:purge": "Mutation internal", "admin/stats.js:count": "Query public",
		"users.js:byEmail": "Query internal", "auth.js:updateLastLogin": "Mutation internal",
		"auth.js:updatePasswordHash": "Mutation internal", "auth.js:createUser": "Mutation internal",
		"auth.js:markEmailVerified": "Mutation internal", "auth.js:getUserById": "Query internal",
		"invites.js:authorize": "Query public", // run as the inviting user
	}
}

// specConfig is testConfig with the contract's names of messagesSpec.
func specConfig() Config {
	cfg := testConfig("")
	cfg.AccountsFindByEmail, cfg.AccountsAuthorizeInvitation = "users:byEmail", "invites:authorize"
	return cfg
}

// TestFunctionSpecCheckCoversAccountFlows: the account flows' functions
// (ACCOUNTS_CREATE_USER, ACCOUNTS_MARK_EMAIL_VERIFIED, ACCOUNTS_FIND_BY_ID,
// ACCOUNTS_AUTHORIZE_INVITATION: public) are checked like the login contract's: missing or of the wrong kind or
// visibility stops a strict gateway, naming the function (and, when it is
// missing, the setting that switches it off); "off" leaves
// one out of the check.
func TestFunctionSpecCheckCoversAccountFlows(t *testing.T) {
	for _, tt := range []struct {
		name   string
		edit   func(spec map[string]string, cfg *Config)
		naming string // "" = accepted
	}{
		{"all present", func(map[string]string, *Config) {}, ""},
		{"createUser missing", func(s map[string]string, _ *Config) { delete(s, "auth.js:createUser") }, "auth:createUser: missing (declared by ACCOUNTS_CREATE_USER; set ACCOUNTS_CREATE_USER=off"},
		{"markEmailVerified public", func(s map[string]string, _ *Config) { s["auth.js:markEmailVerified"] = "Mutation public" },
			"auth:markEmailVerified: visibility mismatch"},
		{"getUserById a mutation", func(s map[string]string, _ *Config) { s["auth.js:getUserById"] = "Mutation internal" },
			"auth:getUserById: kind mismatch"},
		{"renamed", func(s map[string]string, c *Config) {
			delete(s, "auth.js:getUserById")
			s["users.js:byId"] = "Query internal"
			c.AccountsFindByID = "users:byId"
		}, ""},
		{"lookup missing", func(s map[string]string, _ *Config) { delete(s, "users.js:byEmail") },
			"users:byEmail: missing (declared by ACCOUNTS_FIND_BY_EMAIL, which login needs)"},
		{"authorizeInvitation internal", func(s map[string]string, _ *Config) { s["invites.js:authorize"] = "Query internal" },
			"invites:authorize: visibility mismatch"},
		{"switched off", func(s map[string]string, c *Config) {
			for _, f := range []string{"auth.js:createUser", "auth.js:markEmailVerified", "auth.js:getUserById", "invites.js:authorize"} {
				delete(s, f)
			}
			c.AccountsCreateUser, c.AccountsMarkEmailVerified, c.AccountsFindByID, c.AccountsAuthorizeInvitation = "off", "", "off", "off"
		}, ""},
	} {
		spec := messagesSpec()
		cfg := specConfig()
		tt.edit(spec, &cfg)
		cfg.FunctionSpecFile, cfg.FunctionSpecStrict = writeSpecFile(t, spec), true
		g, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = g.Check()
		switch {
		case tt.naming == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.naming != "" && (err == nil || !strings.Contains(err.Error(), tt.naming)):
			t.Errorf("%s: Check = %v, want an error naming %q", tt.name, err, tt.naming)
		}
	}
}

// TestFunctionSpecCheckAtStart: with FUNCTION_SPEC_FILE set, a spec that
// lacks a function of the login contract stops a strict gateway (naming the
// function) and only warns otherwise.
func TestFunctionSpecCheckAtStart(t *testing.T) {
	good := writeSpecFile(t, messagesSpec())
	broken := messagesSpec()
	delete(broken, "auth.js:updateLastLogin")
	brokenFile := writeSpecFile(t, broken)
	for _, tt := range []struct {
		file    string
		strict  bool
		wantErr bool
	}{
		{good, true, false},
		{brokenFile, false, false},
		{brokenFile, true, true},
	} {
		cfg := specConfig()
		cfg.FunctionSpecFile, cfg.FunctionSpecStrict = tt.file, tt.strict
		g, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = g.Start(t.Context())
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "auth:updateLastLogin") {
				t.Errorf("%s strict: Start = %v, want an error naming auth:updateLastLogin", tt.file, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s strict=%v: %v", tt.file, tt.strict, err)
			continue
		}
		_ = g.Shutdown(t.Context())
	}
}

// TestPassthroughExposeChecks: every PASSTHROUGH_EXPOSE pattern is checked
// against the spec; internal functions are never exposed.
func TestPassthroughExposeChecks(t *testing.T) {
	spec := writeSpecFile(t, messagesSpec())
	for _, tt := range []struct {
		expose []string
		want   string // "" = accepted; else a substring of the error
	}{
		{[]string{"messages:*", "admin/stats:count"}, ""},
		{[]string{"messages:list", "*"}, ""},
		{[]string{"users:byEmail"}, `"users:byEmail" is an internal function`},
		{[]string{"users:*"}, `"users:*" matches only internal functions`},
		{[]string{"nothing:here"}, `"nothing:here" matches no function`},
		{[]string{"admin:*"}, `"admin:*" matches no function`}, // module wildcards do not reach sub-modules
		{[]string{"messages:list", "ghost:*"}, `"ghost:*"`},
	} {
		cfg := specConfig()
		cfg.FunctionSpecFile, cfg.PassthroughExpose = spec, tt.expose
		g, err := New(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = g.Check()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v: %v", tt.expose, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: error %v, want %q", tt.expose, err, tt.want)
		}
	}
	// In admin identity mode the passthrough carries the deploy key (acting
	// as the user): patterns need the spec to know what is public.
	cfg := testConfig("")
	cfg.IdentityMode, cfg.PassthroughExpose = IdentityAdmin, []string{"messages:*"}
	if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), "FUNCTION_SPEC_FILE") {
		t.Errorf("admin mode without a spec: %v", err)
	}
	cfg.PassthroughExpose = []string{"messages:bad path"}
	if _, err := New(cfg, Options{}); err == nil || !strings.Contains(err.Error(), "PASSTHROUGH_EXPOSE") {
		t.Errorf("malformed pattern: %v", err)
	}
}
