package convexclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// The spec of tasks:list, as the brief's examples name it.
const tasksSpec = `{"url":"http://127.0.0.1:3210","functions":[{
  "identifier":"tasks.js:list","functionType":"Query","visibility":{"kind":"public"},
  "args":{"type":"object","value":{"status":{"fieldType":{"type":"string"},"optional":true}}},
  "returns":{"type":"array","value":{"type":"object","value":{
    "_id":{"fieldType":{"type":"id","tableName":"tasks"},"optional":false},
    "dueAt":{"fieldType":{"type":"number"},"optional":false},
    "priority":{"fieldType":{"type":"bigint"},"optional":false},
    "title":{"fieldType":{"type":"string"},"optional":false}}}}}]}`

type tasksListArgs struct {
	Status *string `json:"status,omitempty"`
}

func TestCheckSpecTypesNamed(t *testing.T) {
	type goodTask struct {
		ID       string  `json:"_id"`
		DueAt    float64 `json:"dueAt"`
		Priority int64   `json:"priority"`
		Title    string  `json:"title"`
	}
	type wrongType struct { // title is a number in Go
		ID       string  `json:"_id"`
		DueAt    float64 `json:"dueAt"`
		Priority int64   `json:"priority"`
		Title    float64 `json:"title"`
	}
	type missingField struct { // no dueAt
		ID       string `json:"_id"`
		Priority int64  `json:"priority"`
		Title    string `json:"title"`
	}
	type intForBigint struct { // priority as a float64
		ID       string  `json:"_id"`
		DueAt    float64 `json:"dueAt"`
		Priority float64 `json:"priority"`
		Title    string  `json:"title"`
	}
	cases := []struct {
		name    string
		declare func(*Registry)
		want    SpecProblem // zero: no problem
	}{
		{"match", func(r *Registry) { NewQuery[tasksListArgs, []goodTask](r, "tasks:list") }, SpecProblem{}},
		{"wrong field type", func(r *Registry) { NewQuery[tasksListArgs, []wrongType](r, "tasks:list") },
			SpecProblem{Path: "tasks:list", Field: "result[].title", Spec: "string", Go: "float64",
				Problem: "result[].title: spec string, Go float64"}},
		{"missing field", func(r *Registry) { NewQuery[tasksListArgs, []missingField](r, "tasks:list") },
			SpecProblem{Path: "tasks:list", Field: "result[].dueAt", Spec: "number",
				Problem: "result[].dueAt: missing in Go (spec number)"}},
		{"float64 for bigint", func(r *Registry) { NewQuery[tasksListArgs, []intForBigint](r, "tasks:list") },
			SpecProblem{Path: "tasks:list", Field: "result[].priority", Spec: "bigint", Go: "float64",
				Problem: "result[].priority: spec bigint, Go float64"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			tc.declare(r)
			err := r.CheckSpec([]byte(tasksSpec))
			if tc.want == (SpecProblem{}) {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *SpecError
			if !errors.As(err, &se) || len(se.Problems) != 1 || se.Problems[0] != tc.want {
				t.Fatalf("err = %v\nproblems %#v\nwant %#v", err, se, tc.want)
			}
			if !strings.Contains(err.Error(), "tasks:list: "+tc.want.Problem) {
				t.Fatalf("Error() = %s", err)
			}
		})
	}
}

func TestCheckTypes(t *testing.T) {
	type idArgs struct {
		ID string `json:"id"`
	}
	cases := []struct {
		name      string
		validator string
		goType    reflect.Type
		args      bool
		want      []string // Problem texts; none when it matches
	}{
		// Scalars.
		{"string", `{"type":"string"}`, reflect.TypeFor[string](), false, nil},
		{"id as a named string", `{"type":"id","tableName":"users"}`, reflect.TypeFor[json.Number](), false, []string{"x: spec id<users>, Go json.Number"}},
		{"number", `{"type":"number"}`, reflect.TypeFor[float64](), false, nil},
		{"int for a number arg", `{"type":"number"}`, reflect.TypeFor[int](), true, nil},
		{"int for a number result", `{"type":"number"}`, reflect.TypeFor[int](), false, []string{"x: spec number, Go int"}},
		{"int64 for a number arg", `{"type":"number"}`, reflect.TypeFor[int64](), true, []string{"x: spec number, Go int64"}},
		{"int for bigint", `{"type":"bigint"}`, reflect.TypeFor[int](), true, []string{"x: spec bigint, Go int"}},
		{"Int64 for bigint", `{"type":"bigint"}`, reflect.TypeFor[Int64](), false, nil},
		{"commitTs", `{"type":"commitTs"}`, reflect.TypeFor[int64](), false, nil},
		{"bytes", `{"type":"bytes"}`, reflect.TypeFor[[]byte](), false, nil},
		{"bytes into string", `{"type":"bytes"}`, reflect.TypeFor[string](), false, []string{"x: spec bytes, Go string"}},
		{"boolean", `{"type":"boolean"}`, reflect.TypeFor[bool](), false, nil},
		{"any", `{"type":"any"}`, reflect.TypeFor[chan int](), false, nil},
		{"null into a pointer", `{"type":"null"}`, reflect.TypeFor[Null](), false, nil},
		{"null into a struct", `{"type":"null"}`, reflect.TypeFor[struct{}](), false, []string{"x: spec null, Go struct {} cannot hold null"}},
		{"int64 literal", `{"type":"literal","value":{"$integer":"AwAAAAAAAAA="}}`, reflect.TypeFor[int64](), false, nil},
		{"int64 literal as float", `{"type":"literal","value":{"$integer":"AwAAAAAAAAA="}}`, reflect.TypeFor[float64](), false, []string{"x: spec 3n, Go float64"}},
		{"string literal", `{"type":"literal","value":"a"}`, reflect.TypeFor[string](), false, nil},
		// Containers.
		{"array of ids", `{"type":"array","value":{"type":"id","tableName":"users"}}`, reflect.TypeFor[[]string](), false, nil},
		{"array element", `{"type":"array","value":{"type":"bigint"}}`, reflect.TypeFor[[]float64](), false, []string{"x[]: spec bigint, Go float64"}},
		{"[]byte is not an array", `{"type":"array","value":{"type":"number"}}`, reflect.TypeFor[[]byte](), false, []string{"x: spec number[], Go []uint8"}},
		{"record", `{"type":"record","keys":{"type":"id","tableName":"users"},"values":{"fieldType":{"type":"number"},"optional":false}}`, reflect.TypeFor[map[string]float64](), false, nil},
		{"record values", `{"type":"record","keys":{"type":"string"},"values":{"fieldType":{"type":"number"},"optional":false}}`, reflect.TypeFor[map[string]string](), false, []string{"x{}: spec number, Go string"}},
		{"object into a map", `{"type":"object","value":{"a":{"fieldType":{"type":"number"},"optional":false}}}`, reflect.TypeFor[map[string]float64](), false, nil},
		// Unions.
		{"nullable into a pointer", `{"type":"union","value":[{"type":"string"},{"type":"null"}]}`, reflect.TypeFor[*string](), false, nil},
		{"nullable into a non-pointer", `{"type":"union","value":[{"type":"string"},{"type":"null"}]}`, reflect.TypeFor[string](), false, []string{"x: spec string | null, Go string cannot hold null (use a pointer)"}},
		{"string literals", `{"type":"union","value":[{"type":"literal","value":"a"},{"type":"literal","value":"b"}]}`, reflect.TypeFor[string](), false, nil},
		{"mixed union into one type", `{"type":"union","value":[{"type":"string"},{"type":"number"}]}`, reflect.TypeFor[string](), false, []string{"x: spec string | number, Go string does not hold member number (x: spec number, Go string)"}},
		{"mixed union into any", `{"type":"union","value":[{"type":"string"},{"type":"number"}]}`, reflect.TypeFor[any](), false, nil},
		{"union with any", `{"type":"union","value":[{"type":"string"},{"type":"any"}]}`, reflect.TypeFor[string](), false, nil},
		{"self-decoding union", `{"type":"union","value":[{"type":"string"},{"type":"number"}]}`, reflect.TypeFor[shape](), false, nil},
		// Object fields.
		{"args: extra required field", `{"type":"object","value":{"id":{"fieldType":{"type":"string"},"optional":false}}}`,
			reflect.TypeFor[struct {
				ID   string `json:"id"`
				Note string `json:"note"`
			}](), true, []string{"x.note: not in the spec, and Go string always sends it"}},
		{"args: extra omittable field", `{"type":"object","value":{"id":{"fieldType":{"type":"string"},"optional":false}}}`,
			reflect.TypeFor[struct {
				ID   string  `json:"id"`
				Note *string `json:"note,omitempty"`
			}](), true, nil},
		{"args: required field left out", `{"type":"object","value":{"id":{"fieldType":{"type":"string"},"optional":false}}}`,
			reflect.TypeFor[struct {
				ID *string `json:"id,omitempty"`
			}](), true, []string{"x.id: required in the spec, Go *string may leave it out"}},
		{"args: optional field always sent", `{"type":"object","value":{"n":{"fieldType":{"type":"number"},"optional":true}}}`,
			reflect.TypeFor[struct {
				N *float64 `json:"n"`
			}](), true, []string{"x.n: optional in the spec, Go *float64 always sends it (use Optional or omitempty)"}},
		{"args: optional unused", `{"type":"object","value":{"n":{"fieldType":{"type":"number"},"optional":true}}}`, reflect.TypeFor[struct{}](), true, nil},
		{"args: missing required", `{"type":"object","value":{"id":{"fieldType":{"type":"string"},"optional":false}}}`, reflect.TypeFor[struct{}](), true, []string{"x.id: missing in Go (spec string)"}},
		{"args: Optional", `{"type":"object","value":{"n":{"fieldType":{"type":"bigint"},"optional":true}}}`,
			reflect.TypeFor[struct {
				N Optional[int64] `json:"n,omitzero"`
			}](), true, nil},
		{"result: optional field required in Go", `{"type":"object","value":{"n":{"fieldType":{"type":"number"},"optional":true}}}`,
			reflect.TypeFor[struct {
				N float64 `json:"n"`
			}](), false, []string{"x.n: optional in the spec, required in Go float64: an absent value fails to decode (use Optional or a pointer)"}},
		{"result: optional nullable into Optional[*T]", `{"type":"object","value":{"n":{"fieldType":{"type":"union","value":[{"type":"number"},{"type":"null"}]},"optional":true}}}`,
			reflect.TypeFor[struct {
				N Optional[*float64] `json:"n,omitzero"`
			}](), false, nil},
		{"result: optional nullable into Optional[T]", `{"type":"object","value":{"n":{"fieldType":{"type":"union","value":[{"type":"number"},{"type":"null"}]},"optional":true}}}`,
			reflect.TypeFor[struct {
				N Optional[float64] `json:"n,omitzero"`
			}](), false, []string{"x.n: spec number | null, Go float64 cannot hold null (use a pointer)"}},
		{"result: extra required Go field", `{"type":"object","value":{}}`, reflect.TypeFor[idArgs](), false,
			[]string{"x.id: not in the spec, and required in Go string: no result decodes"}},
		{"result: missing optional field is dropped", `{"type":"object","value":{"n":{"fieldType":{"type":"number"},"optional":true}}}`, reflect.TypeFor[struct{}](), false,
			[]string{"x.n: missing in Go (spec number)"}},
		{"nested path", `{"type":"object","value":{"a":{"fieldType":{"type":"array","value":{"type":"object","value":{"b":{"fieldType":{"type":"bigint"},"optional":false}}}},"optional":false}}}`,
			reflect.TypeFor[struct {
				A []struct {
					B int `json:"b"`
				} `json:"a"`
			}](), false, []string{"x.a[].b: spec bigint, Go int"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ParseValidator([]byte(tc.validator))
			if err != nil {
				t.Fatal(err)
			}
			c := typeChecker{path: "f", args: tc.args}
			c.check(v, tc.goType, "x")
			var got []string
			for _, p := range c.problems {
				got = append(got, p.Problem)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("problems\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestPartialResult: a binding declared PartialResult may read a subset of
// the result's fields; one that is not must read them all.
func TestPartialResult(t *testing.T) {
	spec, err := ParseFunctionSpec([]byte(`{"functions":[{"identifier":"auth.js:find","functionType":"Query",
		"visibility":{"kind":"internal"},"args":{"type":"object","value":{}},
		"returns":{"type":"object","value":{"_id":{"fieldType":{"type":"string"},"optional":false},
		"email":{"fieldType":{"type":"string"},"optional":false}}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	type subset struct {
		ID string `json:"_id"`
	}
	for _, partial := range []bool{false, true} {
		r := NewRegistry()
		opts := []BindingOption{Internal}
		if partial {
			opts = append(opts, PartialResult())
		}
		b := NewQuery[struct{}, subset](r, "auth:find", opts...).Info()
		problems := CheckTypes(b, &spec.Functions[0])
		if partial != (len(problems) == 0) {
			t.Errorf("partial=%v: %v", partial, problems)
		}
	}
}
