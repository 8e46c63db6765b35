package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/convexgw/convexgw/convexclient"
	"github.com/convexgw/convexgw/convexclient/convextest"
	"github.com/convexgw/convexgw/routes"
)

// renderedTypes are the result types of the app's public queries, the
// values its REST routes render, sorted by function path.
func renderedTypes() (paths []string, types []reflect.Type) {
	byPath := map[string]reflect.Type{}
	for _, bi := range New().Registry().Bindings() {
		if bi.Kind == convexclient.KindQuery && bi.Visibility != convexclient.Internal {
			byPath[bi.Path] = bi.Result
			paths = append(paths, bi.Path)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		types = append(types, byPath[p])
	}
	return paths, types
}

type renderKey struct{}

// restRenderer renders values as the app's REST routes do (routes.JSON
// inside the gateway's handler, so its renderer and fallbacks apply).
func restRenderer() func(v any) []byte {
	api := routes.NewAPI(routes.Deps{Convex: convexclient.NewLazy(func() (convexclient.Config, error) {
		return convexclient.Config{}, nil
	})})
	h := api.Handler(func(r *routes.Router) {
		r.GET("/render", func(c echo.Context) error {
			return routes.JSON(c, http.StatusOK, c.Request().Context().Value(renderKey{}))
		})
	})
	return func(v any) []byte {
		req := httptest.NewRequest(http.MethodGet, "/render", nil)
		req = req.WithContext(context.WithValue(req.Context(), renderKey{}, v))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			panic("render: " + rec.Body.String())
		}
		return rec.Body.Bytes()
	}
}

// FuzzRESTRender fuzzes the data path from Convex to REST clients: a value
// that decodes into a generated result type (convexclient.Unmarshal, strict)
// renders as REST JSON holding every field of what was decoded, with the
// same values (restForm: int64 as a number, a non-finite float as its
// string). Seeds are the recorded results of every public query.
func FuzzRESTRender(f *testing.F) {
	paths, types := renderedTypes()
	index := map[string]uint8{}
	for i, p := range paths {
		index[p] = uint8(i)
	}
	cassettes, err := convextest.LoadCassettes("testdata/cassettes")
	if err != nil {
		f.Fatal(err)
	}
	seeds := 0
	for _, c := range cassettes {
		for _, it := range c.Interactions {
			i, ok := index[it.Request.Path]
			var res struct {
				Status string          `json:"status"`
				Value  json.RawMessage `json:"value"`
			}
			if !ok || json.Unmarshal([]byte(it.Response.Body), &res) != nil || res.Status != "success" {
				continue
			}
			f.Add(i, []byte(res.Value))
			seeds++
		}
	}
	if seeds < len(paths) {
		f.Fatalf("only %d recorded results for %d queries", seeds, len(paths))
	}
	f.Add(index["donations:stats"], []byte(`{"byMethod":{"bank":{"$float":"AAAAAAAA+H8="},"card":-0.0,"cash":1e308},"count":{"$integer":"/////////38="},"total":0.5}`))
	f.Add(index["users:me"], []byte(`{"_creationTime":1.5,"_id":"u","email":"a@b","isActive":true,"lastLoginAt":{"$float":"AAAAAAAA8H8="},"name":"\u00e9\u0000","role":"member","extra":1}`))
	render := restRenderer()
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		v := reflect.New(typ)
		if convexclient.Unmarshal(data, v.Interface()) != nil {
			return
		}
		conv, err := convexclient.Marshal(v.Elem().Interface())
		if err != nil {
			t.Fatalf("%s: a decoded value does not encode: %v", typ, err)
		}
		want, err := restForm(conv)
		if err != nil {
			t.Fatal(err)
		}
		rest := render(v.Elem().Interface())
		got, err := plainJSON(rest)
		if err != nil {
			t.Fatalf("%s: REST answer is not JSON: %v\n%s", typ, err, rest)
		}
		if same, where := sameJSON(got, want, "$"); !same {
			t.Fatalf("%s: REST render differs from the decoded value at %s\ninput %s\nREST  %s", typ, where, data, rest)
		}
	})
}
