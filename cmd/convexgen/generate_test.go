package main

import (
	"os"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func BenchmarkGenerateDemo(b *testing.B) {
	data, err := os.ReadFile(demoDir + "/convex/function-spec.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		spec, err := convexclient.ParseFunctionSpec(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := generate(spec, options{pkg: "demo", source: "function-spec.json"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGenerateRefuses: specs convexgen cannot express are errors naming the
// function or field, never broken code.
func TestGenerateRefuses(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{`{"functions":[{"identifier":"a:b","functionType":"Query","args":{"type":"object","value":{"":{"fieldType":{"type":"string"},"optional":false}}}}]}`,
			`field "" cannot be a Go struct tag`},
		{`{"functions":[{"identifier":"a:b","functionType":"Cron"}]}`, `a:b: unknown functionType "Cron"`},
		{`{"functions":[{"identifier":"a:b","functionType":"Query","visibility":{"kind":"secret"}}]}`, `unknown visibility "secret"`},
		{`{"functions":[{"identifier":"a:b","functionType":"Query"},{"identifier":"a.js:b","functionType":"Query"}]}`, "listed twice"},
	} {
		spec, err := convexclient.ParseFunctionSpec([]byte(tc.spec))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := generate(spec, options{pkg: "p", source: "s.json"}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.spec, err, tc.want)
		}
	}
}
