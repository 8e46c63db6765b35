package convexclient

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
)

type getUserArgs struct {
	Email string `json:"email"`
}

type user struct {
	ID    string `json:"_id"`
	Email string `json:"email"`
	Age   int64  `json:"age"`
	Score int    `json:"score"`
}

func TestBindingsCallAndRegister(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":{"_id":"k1","age":{"$integer":"HgAAAAAAAAA="},"email":"a@b.c","score":7.0}}`))
	r := NewRegistry()
	getUser := NewQuery[getUserArgs, user](r, "users:getByEmail", Internal)
	create := NewMutation[getUserArgs, *user](r, "users.js:create", Exposed())
	notify := NewAction[struct{}, any](r, "notify:send", Internal, Exposed())
	ctx := context.Background()

	u, err := getUser.Call(ctx, hs.c, getUserArgs{Email: "a@b.c"})
	if err != nil || u != (user{"k1", "a@b.c", 30, 7}) {
		t.Fatalf("query = %+v, %v", u, err)
	}
	path, body, h := hs.rec.last()
	if path != "/api/query" || body != `{"path":"users:getByEmail","format":"convex_encoded_json","args":{"email":"a@b.c"}}` || h.Get("Authorization") != "Convex "+testKey {
		t.Fatalf("query sent %s %s %q", path, body, h.Get("Authorization"))
	}
	pu, err := create.Call(ctx, hs.c, getUserArgs{})
	if err != nil || pu == nil || pu.Age != 30 {
		t.Fatalf("mutation = %+v, %v", pu, err)
	}
	if path, _, h := hs.rec.last(); path != "/api/mutation" || h.Get("Authorization") != "" {
		t.Fatalf("mutation sent to %s with %q", path, h.Get("Authorization"))
	}
	if _, err := notify.Call(ctx, hs.c, struct{}{}); err != nil {
		t.Fatal(err)
	}
	if path, body, _ := hs.rec.last(); path != "/api/action" || !strings.HasSuffix(body, `"args":{}}`) {
		t.Fatalf("action sent %s %s", path, body)
	}

	want := []BindingInfo{
		{Path: "notify:send", Kind: KindAction, Visibility: Internal, Exposed: true, Args: reflect.TypeFor[struct{}](), Result: reflect.TypeFor[any]()},
		{Path: "users.js:create", Kind: KindMutation, Exposed: true, Args: reflect.TypeFor[getUserArgs](), Result: reflect.TypeFor[*user]()},
		{Path: "users:getByEmail", Kind: KindQuery, Visibility: Internal, Args: reflect.TypeFor[getUserArgs](), Result: reflect.TypeFor[user]()},
	}
	if got := r.Bindings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Bindings() = %+v", got)
	}
	if getUser.Info() != want[2] {
		t.Fatalf("Info() = %+v", getUser.Info())
	}
	for _, p := range []string{"users:create", "users.js:create"} {
		if b, ok := r.Lookup(p); !ok || b.Kind != KindMutation {
			t.Fatalf("Lookup(%q) = %+v, %v", p, b, ok)
		}
	}
	for _, p := range []string{"users:nope", "bad path", "users"} {
		if _, ok := r.Lookup(p); ok {
			t.Fatalf("Lookup(%q) found", p)
		}
	}
}

func TestBindingErrorsReturnZero(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"error","errorMessage":"x","errorData":{"code":"NOT_FOUND"}}`))
	q := NewQuery[getUserArgs, user](nil, "users:get")
	u, err := q.Call(context.Background(), hs.c, getUserArgs{})
	var fe *FunctionError
	if !errors.As(err, &fe) || u != (user{}) {
		t.Fatalf("= %+v, %v", u, err)
	}
	hs2 := setup(t, reply(200, `{"status":"success","value":{"_id":"k","score":"oops"}}`))
	if u, err := q.Call(context.Background(), hs2.c, getUserArgs{}); !errors.Is(err, ErrBadResponse) || u != (user{}) {
		t.Fatalf("partial decode leaked: %+v, %v", u, err)
	}
}

func TestDeclarationPanics(t *testing.T) {
	r := NewRegistry()
	NewQuery[struct{}, any](r, "tasks:list")
	for name, declare := range map[string]func(){
		"duplicate":         func() { NewMutation[struct{}, any](r, "tasks:list") },
		"duplicate with js": func() { NewQuery[struct{}, any](r, "tasks.js:list") },
		"bad path":          func() { NewQuery[struct{}, any](r, "tasks list") },
		"bad path nil reg":  func() { NewAction[struct{}, any](nil, "") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			declare()
		}()
	}
}

func TestRegistryConcurrent(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			NewQuery[struct{}, any](r, "m"+strings.Repeat("x", i)+":f")
		}()
		go func() {
			defer wg.Done()
			_ = r.Bindings()
			_, _ = r.Lookup("m:f")
		}()
	}
	wg.Wait()
	if n := len(r.Bindings()); n != 50 {
		t.Fatalf("%d bindings", n)
	}
}
