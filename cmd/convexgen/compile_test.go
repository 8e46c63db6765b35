package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

// TestGeneratedCodeCompiles writes the generated packages into a temporary
// module that requires this one (by a replace directive), then runs go vet
// and go test there. The tests written beside each package check that:
//   - the bindings pass convexclient's type-level CheckSpec against the spec
//     they were generated from;
//   - convexclient.Unmarshal then Marshal gives back every sample value (in
//     canonical form), and encoding/json encodes the decoded value
//     idempotently;
//   - unions pick the right variant, and values that fit no variant or lack
//     a required field fail;
//   - (demo) every recorded cassette's args and successful result round-trip
//     through the types of its binding.
func TestGeneratedCodeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	root, dir := tempModule(t)
	cassettes := filepath.Join(root, "examples", "demo", "testdata", "cassettes")
	for _, g := range goldens(t) {
		spec, err := filepath.Abs(g.spec)
		if err != nil {
			t.Fatal(err)
		}
		pkg := filepath.Join(dir, g.name)
		if err := os.Mkdir(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(pkg, "bindings.go"), string(runGen(t, g.spec, g.args)))
		test := strings.NewReplacer("PACKAGE", g.name, "SPECFILE", fmt.Sprintf("%q", spec)).Replace(commonTest)
		switch g.name {
		case "kinds":
			test += kindsTest
		case "demo":
			test += strings.NewReplacer("CASSETTES", fmt.Sprintf("%q", cassettes),
				"EXCLUDED", fmt.Sprintf("%#v", excludedPaths(t, g))).Replace(demoTest)
		}
		write(t, filepath.Join(pkg, "bindings_test.go"), test)
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		goIn(t, dir, args...)
	}
}

// excludedPaths returns the paths of the functions g's -config file
// excludes from the output, matched as convexgen matches them.
func excludedPaths(t *testing.T, g golden) []string {
	t.Helper()
	var cfgFile string
	for i, a := range g.args {
		if a == "-config" && i+1 < len(g.args) {
			cfgFile = g.args[i+1]
		}
	}
	if cfgFile == "" {
		return nil
	}
	cfg, err := loadConfig(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(g.spec)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := convexclient.ParseFunctionSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range spec.Functions {
		for _, p := range cfg.Exclude {
			if matchFunction(p, f) {
				out = append(out, f.Path)
				break
			}
		}
	}
	return out
}

// tempModule makes a temporary module that requires this one (by a replace
// directive, with its go.sum) and returns this module's root and its
// directory.
func tempModule(t *testing.T) (root, dir string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	goVersion := "1.26"
	if mod, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil {
		for _, line := range strings.Split(string(mod), "\n") {
			if v, ok := strings.CutPrefix(line, "go "); ok {
				goVersion = strings.TrimSpace(v)
			}
		}
	}
	gomod := fmt.Sprintf("module convexgen.test\n\ngo %s\n\nrequire github.com/convexgw/convexgw v0.0.0\n\nreplace github.com/convexgw/convexgw => %s\n", goVersion, root)
	write(t, filepath.Join(dir, "go.mod"), gomod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	return root, dir
}

// goIn runs the go command in dir (offline, modules from the cache) and
// fails the test with its output when it fails.
func goIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("go %s:\n%s", strings.Join(args, " "), out)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// commonTest is the test file of every generated package.
const commonTest = `package PACKAGE

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestBindingsPassCheckSpec(t *testing.T) {
	data, err := os.ReadFile(SPECFILE)
	if err != nil {
		t.Fatal(err)
	}
	r := convexclient.NewRegistry()
	b := NewBindings(r)
	if err := r.CheckSpec(data); err != nil {
		t.Fatal(err)
	}
	type embedding struct{ *Bindings } // an app embeds the generated bindings
	_ = embedding{b}
}

// roundTrip decodes in into a new typ, encodes it back and compares the
// canonical forms; then checks encoding/json is idempotent on the value.
func roundTrip(t *testing.T, typ reflect.Type, in string) {
	t.Helper()
	v := reflect.New(typ)
	if err := convexclient.Unmarshal([]byte(in), v.Interface()); err != nil {
		t.Errorf("%s: Unmarshal(%.300s): %v", typ, in, err)
		return
	}
	out, err := convexclient.Marshal(v.Elem().Interface())
	if err != nil {
		t.Errorf("%s: Marshal: %v", typ, err)
		return
	}
	want, err := convexclient.AppendCanonical(nil, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := convexclient.AppendCanonical(nil, out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: round trip\n got %s\nwant %s", typ, got, want)
	}
	js, err := json.Marshal(v.Interface())
	var unsupported *json.UnsupportedValueError
	if errors.As(err, &unsupported) {
		return // NaN and ±Inf have no plain JSON form
	}
	if err != nil {
		t.Errorf("%s: encoding/json: %v", typ, err)
		return
	}
	w := reflect.New(typ)
	if err := json.Unmarshal(js, w.Interface()); err != nil {
		t.Errorf("%s: encoding/json back from %s: %v", typ, js, err)
		return
	}
	if js2, _ := json.Marshal(w.Interface()); !bytes.Equal(js, js2) {
		t.Errorf("%s: encoding/json not idempotent:\n%s\n%s", typ, js, js2)
	}
}

func mustFail(t *testing.T, typ reflect.Type, in, want string) {
	t.Helper()
	err := convexclient.Unmarshal([]byte(in), reflect.New(typ).Interface())
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(want)) {
		t.Errorf("%s: Unmarshal(%s) = %v, want an error containing %q", typ, in, err, want)
	}
}
`

// kindsTest exercises every validator kind of testdata/convexgen/kinds.
const kindsTest = `
const i3 = "{\"$integer\":\"AwAAAAAAAAA=\"}"
const i1 = "{\"$integer\":\"AQAAAAAAAAA=\"}"

func TestKindsRoundTrip(t *testing.T) {
	for _, c := range []struct {
		typ reflect.Type
		in  string
	}{
		{reflect.TypeFor[KindsScalarsArgs](), ` + "`" + `{"a":{"x":[1,{"$bytes":"AQ=="}]},"b":{"$integer":"//////////8="},"by":{"$bytes":"AAEC/w=="},"id":"u1","n":-0.5,"s":"é\n","t":true,"ts":` + "` + i3 + `" + `,"z":null}` + "`" + `},
		{reflect.TypeFor[KindsScalarsResult](), ` + "`" + `{"a":null,"b":` + "` + i1 + `" + `,"by":{"$bytes":""},"id":"u1","n":{"$float":"AAAAAAAA8H8="},"s":"","t":false,"ts":` + "` + i1 + `" + `,"z":null}` + "`" + `},
		{reflect.TypeFor[KindsLiteralsArgs](), ` + "`" + `{"lb":true,"li":` + "` + i3 + `" + `,"ln":1.5,"ls":"a b","neg":-2}` + "`" + `},
		{reflect.TypeFor[KindsLiteralsResult](), ` + "`" + `{"$integer":"//////////8="}` + "`" + `},
		{reflect.TypeFor[KindsContainersArgs](), ` + "`" + `{"arr":[],"blobs":[{"$bytes":"AQ=="}],"deep":{"a":{"b":{"c":{"d":` + "` + i3 + `" + `,"e":[{"f":{"$integer":"BwAAAAAAAAA="}}]}}}},"grid":[["t1","t2"],[]],"rec":{"x":1,"y z":2.5},"recById":{"u1":{"score":` + "` + i1 + `" + `}}}` + "`" + `},
		{reflect.TypeFor[[]KindsContainersResultItem](), ` + "`" + `[{"author":{"name":"a"},"title":"t"},{"author":{"name":"b","tags":["x"]},"title":"u"}]` + "`" + `},
		{reflect.TypeFor[KindsUnionsArgs](), ` + "`" + `{"anyish":5,"enum":"in progress","event":{"type":` + "` + i1 + `" + `,"x":"s"},"mixed":"auto","nested":null,"nullable":"n","numEnum":2,"onlyNull":null,"opt":"o","optList":null,"optNull":null,"overlap":{"a":"x","b":1},"shape":{"kind":"square","side":` + "` + i3 + `" + `}}` + "`" + `},
		{reflect.TypeFor[KindsUnionsArgs](), ` + "`" + `{"anyish":"s","enum":"x","event":{"type":{"$integer":"AgAAAAAAAAA="},"y":{"$bytes":"AQ=="}},"mixed":[` + "` + i1 + `" + `],"nested":"s","nullable":null,"numEnum":1,"onlyNull":null,"optNull":2.5,"overlap":{"a":"x"},"shape":{"kind":"circle","r":1}}` + "`" + `},
		{reflect.TypeFor[*KindsUnionsResult](), ` + "`" + `null` + "`" + `},
		{reflect.TypeFor[*KindsUnionsResult](), ` + "`" + `{"ok":true,"shape":{"kind":"circle","r":2}}` + "`" + `},
		{reflect.TypeFor[NamesFieldsArgs](), ` + "`" + `{"2fa":"a","HTTPServer":"b","UserID":"c","_":"d","_id":"e","a-b c":"f","apiKeys":[],"func":"g","id":"h","type":"i","url":"j","userId":"k","user_id":"l"}` + "`" + `},
		{reflect.TypeFor[map[StorageID]*string](), ` + "`" + `{"s1":"x","s2":null}` + "`" + `},
		{reflect.TypeFor[[]TasksDoc](), ` + "`" + `[{"_creationTime":1.5,"_id":"t1","status":"in progress","title":"x"}]` + "`" + `},
		{reflect.TypeFor[TasksGetWithExtraResult](), ` + "`" + `{"_creationTime":1,"_id":"t1","extra":"e","title":"x"}` + "`" + `},
	} {
		roundTrip(t, c.typ, c.in)
	}
}

func TestKindsUnionVariants(t *testing.T) {
	for in, want := range map[string]string{
		` + "`" + `"auto"` + "`" + `: "Auto", ` + "`" + `"x"` + "`" + `: "String", ` + "`" + `1.5` + "`" + `: "Number",
		i3: "Int64", ` + "`" + `{"a":"x"}` + "`" + `: "Object", ` + "`" + `[]` + "`" + `: "Array",
	} {
		var m KindsUnionsArgsMixed
		if err := convexclient.Unmarshal([]byte(in), &m); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		v := reflect.ValueOf(m)
		for i := range v.NumField() {
			if set := !v.Field(i).IsNil(); set != (v.Type().Field(i).Name == want) {
				t.Errorf("%s: field %s set=%v, want only %s", in, v.Type().Field(i).Name, set, want)
			}
		}
	}
	var o KindsUnionsArgsOverlap
	if err := convexclient.Unmarshal([]byte(` + "`" + `{"a":"x","b":1}` + "`" + `), &o); err != nil || o.Object2 == nil || o.Object != nil {
		t.Errorf("overlap: %v %+v", err, o)
	}
	// Encoding fills in the discriminator, whatever the variant holds.
	out, err := convexclient.Marshal(KindsUnionsArgsShape{Circle: &KindsUnionsArgsShapeCircle{R: 1}})
	if err != nil || string(out) != ` + "`" + `{"kind":"circle","r":1}` + "`" + ` {
		t.Errorf("shape: %s %v", out, err)
	}
	if _, err := convexclient.Marshal(KindsUnionsArgsShape{}); err == nil {
		t.Error("an empty union encoded")
	}
	// Optional: unset is absent, set to nil is null.
	out, err = convexclient.Marshal(KindsUnionsResult{Ok: true})
	if err != nil || string(out) != ` + "`" + `{"ok":true}` + "`" + ` {
		t.Errorf("optional: %s %v", out, err)
	}
}

func TestKindsRejects(t *testing.T) {
	mustFail(t, reflect.TypeFor[KindsUnionsArgsShape](), ` + "`" + `{"kind":"hexagon"}` + "`" + `, "no variant")
	mustFail(t, reflect.TypeFor[KindsUnionsArgsShape](), ` + "`" + `{"kind":"circle"}` + "`" + `, ` + "`" + `field "r" missing` + "`" + `)
	mustFail(t, reflect.TypeFor[KindsUnionsArgsMixed](), ` + "`" + `true` + "`" + `, "no variant")
	mustFail(t, reflect.TypeFor[KindsUnionsArgsOverlap](), ` + "`" + `{"a":"x","c":1}` + "`" + `, "no variant")
	mustFail(t, reflect.TypeFor[TasksDoc](), ` + "`" + `{"_creationTime":1,"_id":"t1","title":"x"}` + "`" + `, ` + "`" + `field "status" missing` + "`" + `)
	mustFail(t, reflect.TypeFor[KindsScalarsArgs](), ` + "`" + `{"a":1,"b":1.5,"by":{"$bytes":""},"id":"u","n":1,"s":"","t":true,"ts":` + "` + i1 + `" + `,"z":null}` + "`" + `, "does not fit int64")
	mustFail(t, reflect.TypeFor[KindsScalarsArgs](), ` + "`" + `{"a":1,"b":1,"by":{"$bytes":""},"id":"u","n":"x","s":"","t":true,"ts":` + "` + i1 + `" + `,"z":null}` + "`" + `, "cannot decode a string")
}
`

// demoTest replays the recorded cassettes through the generated demo types.
const demoTest = `
func jsonFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if bytes.HasSuffix([]byte(e.Name()), []byte(".json")) {
			out = append(out, dir+"/"+e.Name())
		}
	}
	return out, err
}

func TestCassettesRoundTrip(t *testing.T) {
	excluded := map[string]bool{}
	for _, p := range EXCLUDED {
		excluded[p] = true
	}
	r := convexclient.NewRegistry()
	NewBindings(r)
	files, err := jsonFiles(CASSETTES)
	if err != nil || len(files) == 0 {
		t.Fatalf("cassettes: %v %v", files, err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Interactions []struct {
				Request struct {
					Path string          ` + "`json:\"path\"`" + `
					Args json.RawMessage ` + "`json:\"args\"`" + `
				} ` + "`json:\"request\"`" + `
				Response struct {
					Body string ` + "`json:\"body\"`" + `
				} ` + "`json:\"response\"`" + `
			} ` + "`json:\"interactions\"`" + `
		}
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(f, err)
		}
		for _, in := range c.Interactions {
			var resp struct {
				Status string          ` + "`json:\"status\"`" + `
				Value  json.RawMessage ` + "`json:\"value\"`" + `
			}
			if json.Unmarshal([]byte(in.Response.Body), &resp) != nil || resp.Status != "success" {
				continue // errors carry no typed value; their args may be invalid on purpose
			}
			if excluded[in.Request.Path] {
				continue // left out by the config (the login contract: package accounts declares it)
			}
			b, ok := r.Lookup(in.Request.Path)
			if !ok {
				t.Errorf("%s: %s has no binding", f, in.Request.Path)
				continue
			}
			roundTrip(t, b.Args, string(in.Request.Args))
			roundTrip(t, b.Result, string(resp.Value))
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d successful interactions", n)
	}
	t.Logf("%d interactions round-tripped", n)
}
`
