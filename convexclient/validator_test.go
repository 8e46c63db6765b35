package convexclient

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseValidator(t *testing.T) {
	cases := []struct {
		in, want string // want: Validator.String, or "error: <substring>"
	}{
		{`{"type":"string"}`, "string"},
		{`{"type":"number"}`, "number"},
		{`{"type":"bigint"}`, "bigint"},
		{`{"type":"boolean"}`, "boolean"},
		{`{"type":"null"}`, "null"},
		{`{"type":"bytes"}`, "bytes"},
		{`{"type":"any"}`, "any"},
		{`{"type":"map"}`, "any"},
		{`{"type":"set"}`, "any"},
		{`{"type":"commitTs"}`, "commitTs"},
		{`{"type":"id","tableName":"users"}`, "id<users>"},
		{`{"type":"literal","value":"a\"b"}`, `"a\"b"`},
		{`{"type":"literal","value":3}`, "3"},
		{`{"type":"literal","value":3.0}`, "3"},
		{`{"type":"literal","value":false}`, "false"},
		{`{"type":"literal","value":{"$integer":"AwAAAAAAAAA="}}`, "3n"},
		{`{"type":"array","value":{"type":"union","value":[{"type":"string"},{"type":"null"}]}}`, "(string | null)[]"},
		{`{"type":"record","keys":{"type":"id","tableName":"t"},"values":{"fieldType":{"type":"number"},"optional":false}}`, "record<id<t>, number>"},
		{`{"type":"record","keys":{"type":"string"},"values":{"type":"number"}}`, "record<string, number>"},
		{`{"type":"object","value":{"b":{"fieldType":{"type":"string"},"optional":true},"a":{"fieldType":{"type":"number"},"optional":false}}}`, "{a: number, b?: string}"},
		{`{"type":"object","value":{}}`, "{}"},
		{`{"type":"union","value":[]}`, ""},
		{`{"type":"union","value":[{"type":"literal","value":"a"},{"type":"literal","value":"b"}]}`, `"a" | "b"`},
		// Errors.
		{`{}`, `error: no "type"`},
		{`[]`, "error: "},
		{`{"type":"float"}`, `error: unknown validator type "float"`},
		{`{"type":"id"}`, "error: id without"},
		{`{"type":"literal"}`, "error: literal without"},
		{`{"type":"literal","value":null}`, "error: a literal must be"},
		{`{"type":"literal","value":{"$float":"AAAAAAAA+H8="}}`, "error: finite"},
		{`{"type":"array"}`, "error: array without"},
		{`{"type":"record","keys":{"type":"string"}}`, "error: record without"},
		{`{"type":"object","value":[]}`, "error: object fields"},
		{`{"type":"object","value":{"$a":{"fieldType":{"type":"string"},"optional":false}}}`, "error: value.$a: Field name $a starts with a '$'"},
		{`{"type":"object","value":{"a":{"optional":false}}}`, `error: value.a: a field must be`},
		{`{"type":"object","value":{"a":{"fieldType":{"type":"nope"},"optional":false}}}`, `error: value.a.fieldType: unknown validator type "nope"`},
		{`{"type":"union","value":{}}`, "error: union members"},
		{strings.Repeat(`{"type":"array","value":`, 130) + `{"type":"string"}` + strings.Repeat("}", 130), "error: nested more than"},
	}
	for _, tc := range cases {
		v, err := ParseValidator([]byte(tc.in))
		if want, isErr := strings.CutPrefix(tc.want, "error: "); isErr {
			if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), want) {
				t.Errorf("%.60s: err = %v, want one containing %q", tc.in, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := v.String(); got != tc.want {
			t.Errorf("%s: String() = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestValidatorNullable(t *testing.T) {
	for in, want := range map[string]bool{
		`{"type":"null"}`: true,
		`{"type":"any"}`:  true,
		`{"type":"union","value":[{"type":"string"},{"type":"union","value":[{"type":"null"}]}]}`: true,
		`{"type":"union","value":[{"type":"string"}]}`:                                            false,
		`{"type":"string"}`: false,
	} {
		v, err := ParseValidator([]byte(in))
		if err != nil || v.Nullable() != want {
			t.Errorf("%s: Nullable() = %v, %v", in, v.Nullable(), err)
		}
	}
}

func TestParseFunctionSpec(t *testing.T) {
	spec, err := ParseFunctionSpec([]byte(specJSON))
	if err != nil {
		t.Fatal(err)
	}
	if spec.URL != "https://happy-animal-123.convex.cloud" || len(spec.Functions) != 6 {
		t.Fatalf("spec = %+v", spec)
	}
	f := spec.Functions[0]
	if f.Path != "users:getByEmail" || f.Visibility != "internal" || f.Args.String() != "{email: string}" ||
		f.Returns.String() != "string | null" {
		t.Fatalf("function 0 = %+v", f)
	}
	if k, ok := f.Kind(); !ok || k != KindQuery {
		t.Fatalf("Kind = %v %v", k, ok)
	}
	if f := spec.Functions[4]; f.Path != "mail" || f.Returns != nil || f.Args.Type != VAny {
		t.Fatalf("default export = %+v", f)
	}
	if h := spec.Functions[5]; !h.IsHTTPAction() || h.Method != "POST" || h.HTTPPath != "/webhook" || h.Path != "" {
		t.Fatalf("http action = %+v", h)
	}
	for _, bad := range []string{
		`{"functions":[{"identifier":"bad path!","functionType":"Query"}]}`,
		`{"functions":[{"identifier":"a:b","functionType":"Query","args":{"type":"wat"}}]}`,
		`{"functions":[{"identifier":"a:b","functionType":"Query","returns":{"type":"wat"}}]}`,
	} {
		if _, err := ParseFunctionSpec([]byte(bad)); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

// TestParseDemoSpec parses the demo deployment's real spec (printed by
// `npx convex function-spec`, kept in the repository).
func TestParseDemoSpec(t *testing.T) {
	data, err := os.ReadFile("../examples/demo/convex/function-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ParseFunctionSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Functions) < 20 {
		t.Fatalf("%d functions", len(spec.Functions))
	}
}

func FuzzParseFunctionSpec(f *testing.F) {
	f.Add([]byte(specJSON))
	f.Add([]byte(tasksSpec))
	f.Add([]byte(`{"functions":[{"identifier":"a:b","functionType":"Query","args":{"type":"object","value":{"x":{"fieldType":{"type":"literal","value":{"$integer":"AwAAAAAAAAA="}},"optional":true}}},"returns":{"type":"record","keys":{"type":"string"},"values":{"fieldType":{"type":"bytes"},"optional":false}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseFunctionSpec(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("error %v does not match ErrInvalidSpec", err)
			}
			return
		}
		for _, fn := range spec.Functions {
			if fn.IsHTTPAction() {
				continue
			}
			if !ValidPath(fn.Path) {
				t.Fatalf("path %q", fn.Path)
			}
			// A parsed validator renders, and re-checks against a Go type, without panicking.
			_ = fn.Args.String()
			c := typeChecker{path: fn.Path, args: true}
			c.check(fn.Args, anyT, "args")
			if fn.Returns != nil {
				_ = fn.Returns.String()
			}
		}
	})
}
