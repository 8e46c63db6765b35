package main

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

// FuzzGenerate: any spec ParseFunctionSpec accepts either generates Go that
// parses, with no top-level name declared twice and every struct's fields
// distinct, or fails with an error (never a panic).
func FuzzGenerate(f *testing.F) {
	// One small spec per function of the kinds fixture: small seeds keep
	// the fuzzer's minimization fast.
	data, err := os.ReadFile(goldenDir + "/kinds/function-spec.json")
	if err != nil {
		f.Fatal(err)
	}
	var kinds struct{ Functions []json.RawMessage }
	if err := json.Unmarshal(data, &kinds); err != nil {
		f.Fatal(err)
	}
	for _, fn := range kinds.Functions {
		f.Add([]byte(`{"functions":[` + string(fn) + `]}`))
	}
	f.Add([]byte(`{"functions":[{"identifier":"a:b","functionType":"Query","args":{"type":"union","value":[{"type":"object","value":{"k":{"fieldType":{"type":"literal","value":{"$integer":"AQAAAAAAAAA="}},"optional":false}}},{"type":"object","value":{"k":{"fieldType":{"type":"literal","value":1},"optional":false}}}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := convexclient.ParseFunctionSpec(data)
		if err != nil {
			return
		}
		src, err := generate(spec, options{pkg: "p", source: "spec.json"})
		if err != nil {
			if errors.Is(err, errGeneratedSyntax) {
				t.Fatal(err)
			}
			return
		}
		file, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, 0)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		top := map[string]bool{}
		declare := func(name string) {
			if top[name] {
				t.Fatalf("%s declared twice\n%s", name, src)
			}
			top[name] = true
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declare(s.Name.Name)
						if st, ok := s.Type.(*ast.StructType); ok {
							fields := map[string]bool{}
							for _, fl := range st.Fields.List {
								for _, n := range fl.Names {
									if fields[n.Name] {
										t.Fatalf("%s.%s declared twice\n%s", s.Name.Name, n.Name, src)
									}
									fields[n.Name] = true
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declare(n.Name)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					declare(d.Name.Name)
				}
			}
		}
	})
}
