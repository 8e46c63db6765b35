package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/convexgen, examples/demo/bindings.go)")

// golden is one generation whose output is kept in testdata/convexgen.
type golden struct {
	name   string
	spec   string   // the function spec
	args   []string // convexgen flags besides -spec and -out
	golden string
}

const (
	goldenDir = "../../testdata/convexgen"
	// demoDir is the demo app: its generated bindings.go is the demo's
	// golden file (its //go:generate line uses the same flags).
	demoDir = "../../examples/demo"
)

func goldens(testing.TB) []golden {
	return []golden{
		{"kinds", goldenDir + "/kinds/function-spec.json",
			[]string{"-package", "kinds", "-expose", "tasks:list, kinds:unions,kinds:scalars"},
			goldenDir + "/kinds/bindings.go.golden"},
		{"demo", demoDir + "/convex/function-spec.json",
			[]string{"-package", "demo", "-config", demoDir + "/convexgen.json"},
			demoDir + "/bindings.go"},
	}
}

// runGen runs the command line and returns the file it writes.
func runGen(t *testing.T, spec string, args []string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bindings.go")
	var stderr bytes.Buffer
	if code := run(append([]string{"-spec", spec, "-out", out}, args...), nil, &stderr); code != 0 {
		t.Fatalf("convexgen exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGolden regenerates each golden file and compares (go test -update
// rewrites them). CI thereby fails when the demo's spec changes and its
// bindings were not regenerated.
func TestGolden(t *testing.T) {
	for _, g := range goldens(t) {
		t.Run(g.name, func(t *testing.T) {
			got := runGen(t, g.spec, g.args)
			if *update {
				if err := os.WriteFile(g.golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(g.golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from a fresh generation (run go test ./cmd/convexgen -update):\n%s", g.golden, firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(no line differs)"
}

// TestDeterministic: two runs give the same bytes, and so does the same
// spec with its functions shuffled and its objects' keys in another order.
func TestDeterministic(t *testing.T) {
	for _, g := range goldens(t) {
		t.Run(g.name, func(t *testing.T) {
			first := runGen(t, g.spec, g.args)
			if second := runGen(t, g.spec, g.args); !bytes.Equal(first, second) {
				t.Fatal("two runs differ")
			}
			data, err := os.ReadFile(g.spec)
			if err != nil {
				t.Fatal(err)
			}
			var spec struct {
				URL       string            `json:"url"`
				Functions []json.RawMessage `json:"functions"`
			}
			if err := json.Unmarshal(data, &spec); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range spec.Functions {
				spec.Functions[i] = reverseKeys(t, spec.Functions[i])
			}
			rng.Shuffle(len(spec.Functions), func(i, j int) {
				spec.Functions[i], spec.Functions[j] = spec.Functions[j], spec.Functions[i]
			})
			shuffled, _ := json.Marshal(spec)
			file := filepath.Join(t.TempDir(), filepath.Base(g.spec))
			if err := os.WriteFile(file, shuffled, 0o644); err != nil {
				t.Fatal(err)
			}
			if third := runGen(t, file, g.args); !bytes.Equal(first, third) {
				t.Fatalf("shuffled spec gives other code:\n%s", firstDiff(third, first))
			}
		})
	}
}

// reverseKeys re-prints a JSON value with every object's keys in reverse
// order.
func reverseKeys(t *testing.T, raw json.RawMessage) json.RawMessage {
	t.Helper()
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	var write func(any)
	write = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			keys := sortedKeys(x)
			b.WriteString("{")
			for i := len(keys) - 1; i >= 0; i-- {
				k, _ := json.Marshal(keys[i])
				b.Write(k)
				b.WriteString(":")
				write(x[keys[i]])
				if i > 0 {
					b.WriteString(",")
				}
			}
			b.WriteString("}")
		case []any:
			b.WriteString("[")
			for i, y := range x {
				if i > 0 {
					b.WriteString(",")
				}
				write(y)
			}
			b.WriteString("]")
		default:
			v, _ := json.Marshal(x)
			b.Write(v)
		}
	}
	write(x)
	return b.Bytes()
}

// TestDemoExposureMatchesRoutes: the demo's exposure marks are those its
// hand-written bindings had, and its login contract (auth:*) is left out.
func TestDemoExposureMatchesRoutes(t *testing.T) {
	data, err := os.ReadFile(demoDir + "/convex/function-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := convexclient.ParseFunctionSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(demoDir + "/convexgen.json")
	if err != nil {
		t.Fatal(err)
	}
	fns, err := exclusion(c.Exclude, spec.Functions)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fns {
		if strings.HasPrefix(f.Path, "auth:") {
			t.Errorf("%s is generated into the demo's bindings: the login contract belongs to package accounts", f.Path)
		}
	}
	exposed, err := exposure(c.Expose, fns)
	if err != nil {
		t.Fatal(err)
	}
	// The hand-written bindings had: users:me, tasks:*, notifications list/markRead,
	// and list/get (plus donations:stats) of the association tables.
	want := []string{"beneficiaries:get", "beneficiaries:list", "donations:get", "donations:list", "donations:stats",
		"meetings:get", "meetings:list", "notifications:list", "notifications:markRead",
		"tasks:create", "tasks:list", "tasks:remove", "tasks:update", "users:me"}
	if got := sortedKeys(exposed); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("exposed %v\nwant %v", got, want)
	}
}
