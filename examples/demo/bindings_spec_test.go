package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/accounts"
	"github.com/convexgw/convexgw/convexclient"
)

// The deployed function spec of convex/ (`npx convex function-spec`), kept in
// the repository. The bindings must match it: kinds and visibility
// (CheckSpecFile), and the Go args and result types field by field.
const deployedSpec = "convex/function-spec.json"

func TestBindingsMatchDeployedSpec(t *testing.T) {
	data, err := os.ReadFile(deployedSpec)
	if err != nil {
		t.Fatal(err)
	}
	if err := contractRegistry().CheckSpec(data); err != nil {
		t.Fatal(err)
	}
}

type validatorJSON struct {
	Type      string                     `json:"type"`
	Value     json.RawMessage            `json:"value"`
	TableName string                     `json:"tableName"`
	fields    map[string]specField       // object
	members   []validatorJSON            // union
	elem      *validatorJSON             // array
	_         map[string]json.RawMessage // unused
}

type specField struct {
	FieldType validatorJSON `json:"fieldType"`
	Optional  bool          `json:"optional"`
}

func (v *validatorJSON) parse() error {
	switch v.Type {
	case "object":
		if err := json.Unmarshal(v.Value, &v.fields); err != nil {
			return err
		}
		for k, f := range v.fields {
			if err := f.FieldType.parse(); err != nil {
				return err
			}
			v.fields[k] = f
		}
	case "union":
		if err := json.Unmarshal(v.Value, &v.members); err != nil {
			return err
		}
		for i := range v.members {
			if err := v.members[i].parse(); err != nil {
				return err
			}
		}
	case "array":
		v.elem = new(validatorJSON)
		if err := json.Unmarshal(v.Value, v.elem); err != nil {
			return err
		}
		return v.elem.parse()
	}
	return nil
}

// goFields lists a struct's JSON fields, embedded structs flattened.
func goFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			for k, v := range goFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// goOptional: an args field is left out when unset only with omitempty (a
// nil pointer without it is sent as null); a result field may be absent when
// it is a pointer or omitempty.
func goOptional(f reflect.StructField, args bool) bool {
	omit := strings.Contains(f.Tag.Get("json"), ",omitempty")
	return omit || (!args && f.Type.Kind() == reflect.Pointer)
}

// compare checks Go type g against validator v; args selects the rules for
// arguments (Go may omit optional spec fields) or results (Go must hold all).
func compare(v validatorJSON, g reflect.Type, at string, args bool, problems *[]string) {
	bad := func(format string, a ...any) { *problems = append(*problems, at+": "+fmt.Sprintf(format, a...)) }
	for g.Kind() == reflect.Pointer {
		g = g.Elem()
	}
	switch v.Type {
	case "any", "null":
	case "string", "id":
		if g.Kind() != reflect.String {
			bad("%s in spec, Go %s", v.Type, g)
		}
	case "literal":
		if g.Kind() != reflect.String {
			bad("literal in spec, Go %s", g)
		}
	case "number":
		switch g.Kind() {
		case reflect.Float64, reflect.Float32, reflect.Int:
		default:
			bad("number in spec, Go %s", g)
		}
	case "bigint":
		if g.Kind() != reflect.Int64 {
			bad("bigint in spec, Go %s", g)
		}
	case "boolean":
		if g.Kind() != reflect.Bool {
			bad("boolean in spec, Go %s", g)
		}
	case "array":
		if g.Kind() != reflect.Slice {
			bad("array in spec, Go %s", g)
			return
		}
		compare(*v.elem, g.Elem(), at+"[]", args, problems)
	case "union":
		for _, m := range v.members {
			if m.Type != "null" {
				compare(m, g, at, args, problems)
			}
		}
	case "object":
		if g.Kind() != reflect.Struct {
			bad("object in spec, Go %s", g)
			return
		}
		gf := goFields(g)
		for name, sf := range v.fields {
			f, ok := gf[name]
			switch {
			case !ok && (!args || !sf.Optional):
				bad("field %s missing in Go", name)
			case !ok:
			case args && !sf.Optional && goOptional(f, true):
				bad("field %s is required by the function, optional in Go", name)
			case !args && sf.Optional && !goOptional(f, false) && f.Type.Kind() != reflect.Slice:
				bad("field %s is optional in results, required in Go", name)
			default:
				compare(sf.FieldType, f.Type, at+"."+name, args, problems)
			}
		}
		for name := range gf {
			if _, ok := v.fields[name]; !ok {
				bad("Go field %s unknown to the function", name)
			}
		}
	default:
		bad("validator %s not checked", v.Type)
	}
}

func TestBindingTypesMatchDeployedSpec(t *testing.T) {
	data, err := os.ReadFile(deployedSpec)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Functions []struct {
			Identifier string        `json:"identifier"`
			Args       validatorJSON `json:"args"`
			Returns    validatorJSON `json:"returns"`
		} `json:"functions"`
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]int{}
	for i, f := range spec.Functions {
		mod, fn, _ := strings.Cut(f.Identifier, ":")
		byPath[strings.TrimSuffix(mod, ".js")+":"+fn] = i
	}
	for _, bi := range NewBindings().Registry.Bindings() {
		i, ok := byPath[bi.Path]
		if !ok {
			t.Errorf("%s: not in the spec", bi.Path)
			continue
		}
		f := spec.Functions[i]
		if err := f.Args.parse(); err != nil {
			t.Fatal(err)
		}
		if err := f.Returns.parse(); err != nil {
			t.Fatal(err)
		}
		var problems []string
		compare(f.Args, bi.Args, bi.Path+" args", true, &problems)
		compare(f.Returns, bi.Result, bi.Path+" returns", false, &problems)
		for _, p := range problems {
			t.Error(p)
		}
	}
}

// TestCompareCatchesMismatches keeps the spec comparison honest.
func TestCompareCatchesMismatches(t *testing.T) {
	v := validatorJSON{Type: "object", Value: json.RawMessage(`{"a":{"fieldType":{"type":"bigint"},"optional":false},` +
		`"b":{"fieldType":{"type":"string"},"optional":false},"c":{"fieldType":{"type":"number"},"optional":true}}`)}
	if err := v.parse(); err != nil {
		t.Fatal(err)
	}
	type goArgs struct {
		A float64 `json:"a"`           // bigint expected
		B *string `json:"b,omitempty"` // required by the function
		D bool    `json:"d"`           // unknown to the function
	}
	var problems []string
	compare(v, reflect.TypeFor[goArgs](), "x", true, &problems)
	if len(problems) != 3 {
		t.Fatalf("problems %q", problems)
	}
}

// TestAccountsContractMatchesDeployedSpec compares package accounts'
// bindings (the login contract and the account flows) with the spec: args
// field by field as for the app's bindings; results only for the fields Go
// reads (the contract ignores the others).
func TestAccountsContractMatchesDeployedSpec(t *testing.T) {
	data, err := os.ReadFile(deployedSpec)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Functions []struct {
			Identifier string        `json:"identifier"`
			Args       validatorJSON `json:"args"`
			Returns    validatorJSON `json:"returns"`
		} `json:"functions"`
	}
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	byPath := map[string]int{}
	for i, f := range spec.Functions {
		mod, fn, _ := strings.Cut(f.Identifier, ":")
		byPath[strings.TrimSuffix(mod, ".js")+":"+fn] = i
	}
	reg := convexclient.NewRegistry()
	accounts.NewConvex(nil, accounts.DefaultFunctions(), reg)
	if n := len(reg.Bindings()); n != 7 {
		t.Fatalf("%d contract bindings", n)
	}
	for _, bi := range reg.Bindings() {
		i, ok := byPath[bi.Path]
		if !ok {
			t.Errorf("%s: not in the spec", bi.Path)
			continue
		}
		f := spec.Functions[i]
		if err := f.Args.parse(); err != nil {
			t.Fatal(err)
		}
		if err := f.Returns.parse(); err != nil {
			t.Fatal(err)
		}
		var problems []string
		compare(f.Args, bi.Args, bi.Path+" args", true, &problems)
		var ret []string
		compare(f.Returns, bi.Result, bi.Path+" returns", false, &ret)
		for _, p := range ret {
			if !strings.HasSuffix(p, "missing in Go") {
				problems = append(problems, p)
			}
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
}
