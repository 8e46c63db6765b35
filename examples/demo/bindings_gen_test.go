package demo

import (
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBindingsUpToDate runs the package's convexgen //go:generate line with
// its output on stdout and fails when bindings.go differs: the committed
// bindings are exactly what `go generate` makes from convex/function-spec.json
// and convexgen.json. After changing the Convex functions: `npm run spec` in
// convex/, then `go generate ./examples/demo`.
func TestBindingsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cmd/convexgen: skipped with -short")
	}
	args := generateLine(t, "convexgen")
	out := -1
	for i, a := range args {
		if a == "-out" && i+1 < len(args) {
			out = i + 1
		}
	}
	if out < 0 || args[out] != "bindings.go" {
		t.Fatalf("the convexgen line must write bindings.go with -out: %q", args)
	}
	target := args[out]
	args[out] = "-" // stdout
	if args[0] != "go" {
		t.Fatalf("the convexgen line must start with go run: %q", args)
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	want, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(g), len(w)) {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Fatalf("%s is not what go generate makes (run go generate ./examples/demo); line %d:\n generated: %s\n committed: %s", target, i+1, gl, wl)
			}
		}
	}
}

// generateLine returns the arguments of the package's one //go:generate
// line that mentions name.
func generateLine(t *testing.T, name string) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found [][]string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, cg := range file.Comments {
			for _, c := range cg.List {
				if line, ok := strings.CutPrefix(c.Text, "//go:generate "); ok && strings.Contains(line, name) {
					found = append(found, strings.Fields(line))
				}
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one //go:generate line for %s, found %d", name, len(found))
	}
	return found[0]
}
