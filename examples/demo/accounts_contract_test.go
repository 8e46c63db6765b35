package demo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/examples/demo/devbackend"
)

// lifecycleOver is the default accounts contract (accounts.Convex) over a
// deployment served at url.
func lifecycleOver(t *testing.T, url string) *accounts.Convex {
	t.Helper()
	client, err := convexclient.New(convexclient.Config{URL: url, DeployKey: testDeployKey})
	if err != nil {
		t.Fatal(err)
	}
	return accounts.NewConvex(client, accounts.DefaultFunctions(), nil)
}

// lifecycleScript is what the account flows do through the contract, as the
// accounts scenario recorded it from the TypeScript functions: an
// invitation, a duplicate, a sign-up verified twice, the invitee's
// password, a seed user read by id.
func lifecycleScript(t *testing.T, acc accounts.Lifecycle) {
	t.Helper()
	ctx := context.Background()
	member, err := acc.FindByEmail(ctx, "member@demo.test")
	if err != nil || member == nil {
		t.Fatalf("member: %v %v", member, err)
	}
	again, err := acc.FindByEmail(ctx, "member@demo.test")
	if err != nil || again == nil {
		t.Fatal(err)
	}
	hash := member.PasswordHash

	invited, err := acc.CreateUser(ctx, accounts.NewUser{Email: "new@demo.test", Name: "  New Person ", Role: "manager"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := acc.FindByID(ctx, invited)
	want := accounts.Account{ID: invited, Email: "new@demo.test", Name: "New Person", Role: "manager", Active: true}
	if err != nil || u == nil || *u != want {
		t.Fatalf("invitee %#v %v, want %#v", u, err, want)
	}
	if u, err := acc.FindByEmail(ctx, "new@demo.test"); err != nil || u == nil || u.ID != invited || u.EmailVerified {
		t.Fatalf("invitee by email %#v %v", u, err)
	}
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: "new@demo.test", Name: "Again", EmailVerified: true}); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: "member@demo.test", Name: "Member", PasswordHash: hash}); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Fatalf("seed email: %v", err)
	}

	signup, err := acc.CreateUser(ctx, accounts.NewUser{Email: "signup@demo.test", Name: "Sign Up", PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		if err := acc.MarkEmailVerified(ctx, signup); err != nil {
			t.Fatal(err)
		}
	}
	if u, err := acc.FindByID(ctx, signup); err != nil || u == nil || !u.EmailVerified || u.Role != "member" || u.PasswordHash != hash {
		t.Fatalf("signed up %#v %v", u, err)
	}
	if err := acc.SetPasswordHash(ctx, invited, hash); err != nil {
		t.Fatal(err)
	}
	if u, err := acc.FindByEmail(ctx, "new@demo.test"); err != nil || u == nil || u.PasswordHash != hash {
		t.Fatalf("invitee's password %#v %v", u, err)
	}
	if u, err := acc.FindByID(ctx, member.ID); err != nil || u == nil || *u != *member || !u.EmailVerified {
		t.Fatalf("seed user by id %#v %v: predates verification, so verified", u, err)
	}
}

// TestLifecycleContractReplay runs the contract against the recordings of
// the TypeScript functions (testdata/cassettes/accounts.json): every call
// must be one the scenario recorded, with the same args.
func TestLifecycleContractReplay(t *testing.T) {
	c, err := convextest.LoadCassette(filepath.Join("testdata", "cassettes", "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := convextest.NewReplayServerWith(t, convextest.ReplayOptions{AdminKey: testDeployKey}, c)
	lifecycleScript(t, lifecycleOver(t, srv.URL))
}

// TestLifecycleContractDevBackend runs the same against the dev backend,
// then what the recordings cannot show: a missing id, errors and
// concurrent creation of one email.
func TestLifecycleContractDevBackend(t *testing.T) {
	srv := convextest.NewServer(devbackend.New(devbackend.Options{}).Deployment(convextest.Options{AdminKey: testDeployKey}))
	t.Cleanup(srv.Close)
	acc := lifecycleOver(t, srv.URL)
	lifecycleScript(t, acc)
	ctx := context.Background()

	if u, err := acc.FindByID(ctx, "nope"); u != nil || err != nil {
		t.Errorf("FindByID(nope) = %v %v", u, err)
	}
	const hash = "$2a$10$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234"
	_, err := acc.CreateUser(ctx, accounts.NewUser{Email: "x@demo.test", Name: "X", Role: "owner", PasswordHash: hash})
	var fe *convexclient.FunctionError
	if !errors.As(err, &fe) || strings.Contains(fmt.Sprintf("%v %+v", err, err), hash) {
		t.Errorf("unknown role: %v, want a FunctionError that does not quote the hash", err)
	}
	if _, err := acc.CreateUser(ctx, accounts.NewUser{Email: "x@demo.test", Name: "  "}); err == nil {
		t.Error("an empty name was accepted")
	} else if data, ok := convexclient.ErrorData[map[string]string](err); !ok || data["code"] != "INVALID" || data["field"] != "name" {
		t.Errorf("empty name: %v", err)
	}

	// Of concurrent creations with one email, exactly one succeeds.
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, taken := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := acc.CreateUser(ctx, accounts.NewUser{Email: "race@demo.test", Name: "Race"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, accounts.ErrEmailTaken):
				taken++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if created != 1 || taken != 7 {
		t.Errorf("created %d, taken %d", created, taken)
	}
}
