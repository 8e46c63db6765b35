package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
)

const testKey = "dev:accounts-test|key"

// fixture serves a hand-written deployment over loopback and returns the
// Convex implementation with the default function names.
func fixture(t *testing.T, d *convextest.Deployment) *accounts.Convex {
	t.Helper()
	srv := convextest.NewServer(d)
	t.Cleanup(srv.Close)
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return accounts.NewConvex(client, accounts.DefaultFunctions(), nil)
}

func TestLifecycleCalls(t *testing.T) {
	const hash = "$2a$12$abcdefghijklmnopqrstuuJ7m3Z7qkWq0M6a2cQ3d7Gq8b1Sx7u2K"
	d := convextest.NewDeployment(convextest.Options{AdminKey: testKey})
	users := map[string]map[string]any{
		"u1": {"_id": "u1", "_creationTime": 1.0, "email": "a@x.test", "name": "A", "role": "admin", "emailVerified": false},
		"u2": {"_id": "u2", "_creationTime": 2.0, "email": "b@x.test", "passwordHash": hash},
	}
	d.Mutation("auth:createUser", func(_ context.Context, c *convextest.Call) (any, error) {
		var a map[string]any
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		if a["email"] == "a@x.test" {
			return nil, convextest.ConvexError(map[string]any{"code": "EMAIL_TAKEN"})
		}
		if a["role"] == "bad" { // what an argument validator would say: it quotes the args
			return nil, convextest.ValidationError("Value does not match validator: %v", a)
		}
		return "u3", nil
	}, convextest.Internal())
	d.Mutation("auth:markEmailVerified", func(context.Context, *convextest.Call) (any, error) { return nil, nil }, convextest.Internal())
	d.Query("auth:getUserById", func(_ context.Context, c *convextest.Call) (any, error) {
		var a struct {
			UserID string `json:"userId"`
		}
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		if u, ok := users[a.UserID]; ok {
			return u, nil
		}
		return nil, nil
	}, convextest.Internal())
	acc := fixture(t, d)
	ctx := context.Background()

	id, err := acc.CreateUser(ctx, accounts.NewUser{Email: "c@x.test", Name: "C"})
	if err != nil || id != "u3" {
		t.Fatalf("CreateUser = %q, %v", id, err)
	}
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: "a@x.test", Name: "A", PasswordHash: hash}); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Fatalf("duplicate email: %v, want ErrEmailTaken", err)
	}
	_, err = acc.CreateUser(ctx, accounts.NewUser{Email: "d@x.test", Name: "D", Role: "bad", PasswordHash: hash, EmailVerified: true})
	var fe *convexclient.FunctionError
	if !errors.As(err, &fe) || strings.Contains(err.Error(), hash) || strings.Contains(fmt.Sprintf("%+v", err), "abcdefghij") {
		t.Fatalf("validation error %v: want a FunctionError without the hash", err)
	}
	if err := acc.MarkEmailVerified(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id   string
		want *accounts.Account
	}{
		{"u1", &accounts.Account{ID: "u1", Email: "a@x.test", Name: "A", Role: "admin", Active: true, EmailVerified: false}},
		{"u2", &accounts.Account{ID: "u2", Email: "b@x.test", PasswordHash: hash, Active: true, EmailVerified: true}},
		{"nope", nil},
	} {
		got, err := acc.FindByID(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("FindByID(%s) = %#v, want %#v", tc.id, got, tc.want)
		}
	}

	want := []string{
		`auth:createUser {"email":"c@x.test","emailVerified":false,"name":"C"}`,
		`auth:createUser {"email":"a@x.test","emailVerified":false,"name":"A","passwordHash":"` + hash + `"}`,
		`auth:createUser {"email":"d@x.test","emailVerified":true,"name":"D","passwordHash":"` + hash + `","role":"bad"}`,
		`auth:markEmailVerified {"userId":"u1"}`,
		`auth:getUserById {"userId":"u1"}`,
		`auth:getUserById {"userId":"u2"}`,
		`auth:getUserById {"userId":"nope"}`,
	}
	calls := d.Calls()
	if len(calls) != len(want) {
		t.Fatalf("%d calls, want %d", len(calls), len(want))
	}
	for i, c := range calls {
		if got := c.Path + " " + string(c.Args); got != want[i] {
			t.Errorf("call %d = %s\nwant %s", i, got, want[i])
		}
		if c.Auth != convextest.AuthAdmin {
			t.Errorf("call %d: auth %v, want the deploy key (internal function)", i, c.Auth)
		}
	}
}

func TestSwitchedOff(t *testing.T) {
	d := convextest.NewDeployment(convextest.Options{AdminKey: testKey})
	srv := convextest.NewServer(d)
	defer srv.Close()
	client, err := convexclient.New(convexclient.Config{URL: srv.URL, DeployKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	acc := accounts.NewConvex(client, accounts.Functions{FindByEmail: accounts.DefaultFindByEmail}, nil)
	ctx := context.Background()
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: "a@x.test"}); !errors.Is(err, accounts.ErrNotSupported) {
		t.Errorf("CreateUser: %v", err)
	}
	if err := acc.MarkEmailVerified(ctx, "u"); !errors.Is(err, accounts.ErrNotSupported) {
		t.Errorf("MarkEmailVerified: %v", err)
	}
	if _, err := acc.FindByID(ctx, "u"); !errors.Is(err, accounts.ErrNotSupported) {
		t.Errorf("FindByID: %v", err)
	}
	if err := acc.RecordLogin(ctx, "u", time.Unix(1, 0)); !errors.Is(err, accounts.ErrNotSupported) {
		t.Errorf("RecordLogin: %v", err)
	}
	if n := len(d.Calls()); n != 0 {
		t.Errorf("%d calls to switched-off functions", n)
	}
}

func TestFindByEmailEmailVerified(t *testing.T) {
	for _, tc := range []struct {
		doc  map[string]any
		want bool
	}{
		{map[string]any{"_id": "u", "email": "a@x.test"}, true}, // predates verification
		{map[string]any{"_id": "u", "email": "a@x.test", "emailVerified": true}, true},
		{map[string]any{"_id": "u", "email": "a@x.test", "emailVerified": false}, false},
	} {
		d := convextest.NewDeployment(convextest.Options{AdminKey: testKey})
		d.Query("auth:getUserByEmail", func(context.Context, *convextest.Call) (any, error) { return tc.doc, nil }, convextest.Internal())
		got, err := fixture(t, d).FindByEmail(context.Background(), "a@x.test")
		if err != nil {
			t.Fatal(err)
		}
		if got.EmailVerified != tc.want {
			t.Errorf("%v: EmailVerified %v, want %v", tc.doc, got.EmailVerified, tc.want)
		}
	}
}

// TestAuthorizeInvitation: the function is public and runs as the caller
// whose credential the context carries (never the bare deploy key), and
// its ConvexError reaches the caller for the routes to map.
func TestAuthorizeInvitation(t *testing.T) {
	d := convextest.NewDeployment(convextest.Options{AdminKey: testKey})
	d.Query("users:authorizeInvitation", func(_ context.Context, c *convextest.Call) (any, error) {
		var a accounts.InvitationArgs
		if err := c.Bind(&a); err != nil {
			return nil, err
		}
		if c.Identity == nil || c.Identity.Subject != "u_admin" {
			return nil, convextest.ConvexError(map[string]any{"code": "FORBIDDEN"})
		}
		return nil, nil
	})
	acc := fixture(t, d)
	inv := accounts.Invitation{Email: "new@x.test", Role: "member"}
	admin := convexclient.WithCredential(context.Background(), convexclient.ActingAs(convexclient.Identity{Issuer: "https://gw.test", Subject: "u_admin"}))
	if err := acc.AuthorizeInvitation(admin, inv); err != nil {
		t.Fatalf("admin: %v", err)
	}
	member := convexclient.WithCredential(context.Background(), convexclient.ActingAs(convexclient.Identity{Issuer: "https://gw.test", Subject: "u_member"}))
	err := acc.AuthorizeInvitation(member, inv)
	var fe *convexclient.FunctionError
	if !errors.As(err, &fe) || !fe.IsConvexError() {
		t.Fatalf("member: %v, want the function's ConvexError", err)
	}
	calls := d.Calls()
	if len(calls) != 2 || string(calls[0].Args) != `{"email":"new@x.test","role":"member"}` || calls[0].Auth != convextest.AuthActing {
		t.Fatalf("calls %+v", calls)
	}
	off := accounts.NewConvex(nil, accounts.Functions{FindByEmail: accounts.DefaultFindByEmail}, nil)
	if err := off.AuthorizeInvitation(admin, inv); !errors.Is(err, accounts.ErrNotSupported) {
		t.Errorf("switched off: %v", err)
	}
}

func TestFunctionsRegisteredInternal(t *testing.T) {
	reg := convexclient.NewRegistry()
	accounts.NewConvex(nil, accounts.DefaultFunctions(), reg)
	got := map[string]string{}
	for _, b := range reg.Bindings() {
		got[b.Path] = b.Kind.SpecName() + " " + b.Visibility.String()
	}
	want := map[string]string{
		"auth:getUserByEmail": "Query internal", "auth:updateLastLogin": "Mutation internal",
		"auth:updatePasswordHash": "Mutation internal", "auth:createUser": "Mutation internal",
		"auth:markEmailVerified": "Mutation internal", "auth:getUserById": "Query internal",
		"users:authorizeInvitation": "Query public", // runs as the inviting user
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bindings %v\nwant %v", got, want)
	}
}

func TestValidateNewPaths(t *testing.T) {
	for _, tc := range []struct {
		fns accounts.Functions
		ok  bool
	}{
		{accounts.DefaultFunctions(), true},
		{accounts.Functions{FindByEmail: "auth:getUserByEmail"}, true},
		{accounts.Functions{FindByEmail: "auth:getUserByEmail", CreateUser: "not a path"}, false},
		{accounts.Functions{FindByEmail: "auth:getUserByEmail", FindByID: "a b:c"}, false},
		{accounts.Functions{FindByEmail: "auth:getUserByEmail", AuthorizeInvitation: "users:a b"}, false},
		{accounts.Functions{CreateUser: "auth:createUser"}, false},
	} {
		if err := tc.fns.Validate(); (err == nil) != tc.ok {
			t.Errorf("Validate(%+v) = %v", tc.fns, err)
		}
	}
}

func TestNewUserNeverPrintsHash(t *testing.T) {
	u := accounts.NewUser{Email: "a@x.test", PasswordHash: "$2a$12$secret-hash"}
	for _, s := range []string{fmt.Sprint(u), fmt.Sprintf("%v %+v %#v", u, u, u), fmt.Sprint(&u)} {
		if strings.Contains(s, "secret-hash") {
			t.Errorf("printed the hash: %s", s)
		}
	}
}
