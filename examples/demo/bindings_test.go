package demo

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// contractFunctions is convex/CONTRACT.md: path → kind, visibility.
var contractFunctions = map[string]string{
	"auth:getUserByEmail": "Query internal", "auth:updateLastLogin": "Mutation internal",
	"auth:updatePasswordHash": "Mutation internal", "auth:createUser": "Mutation internal",
	"auth:markEmailVerified": "Mutation internal", "auth:getUserById": "Query internal",
	"users:me": "Query public", "users:list": "Query public", "users:authorizeInvitation": "Query public",
	"tasks:list": "Query public", "tasks:create": "Mutation public", "tasks:update": "Mutation public",
	"tasks:remove":       "Mutation public",
	"notifications:list": "Query public", "notifications:markRead": "Mutation public",
	"notifications:create": "Mutation internal",
	"beneficiaries:list":   "Query public", "beneficiaries:get": "Query public",
	"beneficiaries:create": "Mutation public", "beneficiaries:update": "Mutation public",
	"beneficiaries:remove": "Mutation public",
	"donations:list":       "Query public", "donations:get": "Query public", "donations:create": "Mutation public",
	"donations:update": "Mutation public", "donations:remove": "Mutation public", "donations:stats": "Query public",
	"meetings:list": "Query public", "meetings:get": "Query public", "meetings:create": "Mutation public",
	"meetings:update": "Mutation public", "meetings:remove": "Mutation public",
}

// contractRegistry is the app's bindings and the login contract's
// functions (package accounts, default names) in one registry: everything
// the gateway calls in the demo deployment.
func contractRegistry() *convexclient.Registry {
	reg := New().Registry()
	accounts.NewConvex(nil, accounts.DefaultFunctions(), reg)
	return reg
}

func TestBindingsMatchContract(t *testing.T) {
	got := map[string]string{}
	for _, bi := range contractRegistry().Bindings() {
		got[bi.Path] = bi.Kind.SpecName() + " " + bi.Visibility.String()
		if bi.Exposed && bi.Visibility == convexclient.Internal {
			t.Errorf("%s: internal and exposed", bi.Path)
		}
	}
	for p, want := range contractFunctions {
		if got[p] != want {
			t.Errorf("%s: registered as %q, contract says %q", p, got[p], want)
		}
	}
	for p := range got {
		if _, ok := contractFunctions[p]; !ok {
			t.Errorf("%s: registered but not in the contract", p)
		}
	}
	// The dev backend emulates exactly these functions.
	dev := devbackend.New(devbackend.Options{}).Functions()
	var paths []string
	for p := range contractFunctions {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if !slices.Equal(dev, paths) {
		t.Errorf("dev backend functions %v\nbindings %v", dev, paths)
	}
}

func TestExposedBindings(t *testing.T) {
	want := []string{"beneficiaries:get", "beneficiaries:list", "donations:get", "donations:list",
		"donations:stats", "meetings:get", "meetings:list", "notifications:list", "notifications:markRead",
		"tasks:create", "tasks:list", "tasks:remove", "tasks:update", "users:me"}
	var got []string
	for _, bi := range New().Registry().Bindings() {
		if bi.Exposed {
			got = append(got, bi.Path)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("exposed %v\nwant    %v", got, want)
	}
}

// writeSpec writes a function-spec file listing the contract's functions,
// changed by edit.
func writeSpec(t *testing.T, edit func(map[string]string)) string {
	t.Helper()
	fns := map[string]string{}
	for k, v := range contractFunctions {
		fns[k] = v
	}
	edit(fns)
	type vis struct {
		Kind string `json:"kind"`
	}
	type fn struct {
		Identifier   string `json:"identifier"`
		FunctionType string `json:"functionType"`
		Visibility   vis    `json:"visibility"`
	}
	var list []fn
	for p, kv := range fns {
		kind, v, _ := strings.Cut(kv, " ")
		mod, name, _ := strings.Cut(p, ":")
		list = append(list, fn{mod + ".js:" + name, kind, vis{v}})
	}
	data, _ := json.MarshalIndent(map[string]any{"url": "https://x.convex.cloud", "functions": list}, "", "  ")
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckSpec(t *testing.T) {
	reg := contractRegistry()
	read := func(path string) []byte {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	good := writeSpec(t, func(map[string]string) {})
	if err := reg.CheckSpec(read(good)); err != nil {
		t.Fatalf("matching spec: %v", err)
	}
	bad := writeSpec(t, func(m map[string]string) {
		delete(m, "tasks:list")
		delete(m, "auth:getUserByEmail")
		m["donations:stats"] = "Mutation public"
	})
	err := reg.CheckSpec(read(bad))
	var se *convexclient.SpecError
	if !errors.As(err, &se) {
		t.Fatalf("want a SpecError, got %v", err)
	}
	for _, p := range []string{"tasks:list", "auth:getUserByEmail", "donations:stats"} {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not name %s: %v", p, err)
		}
	}
}
