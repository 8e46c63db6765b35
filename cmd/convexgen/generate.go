package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"sort"
	"strings"

	cc "github.com/convexgw/convexgw/convexclient"
)

// errGeneratedSyntax marks a generator bug: the code it wrote does not parse.
var errGeneratedSyntax = errors.New("generated code does not parse")

// options of one generation.
type options struct {
	pkg     string          // package clause of the output
	source  string          // the spec's file name, for the header
	exposed map[string]bool // SpecFunction.Path of exposed functions
}

// binding is one function's line in Bindings and NewBindings.
type binding struct {
	field, ctor, args, result, path, doc string
	internal, exposed                    bool
}

// generate writes the Go file for spec: gofmt'd, and the same bytes for the
// same spec and options whatever the order of its functions or fields.
func generate(spec *cc.FunctionSpec, opt options) ([]byte, error) {
	if !validPackage(opt.pkg) {
		return nil, fmt.Errorf("package name %q is not a Go identifier", opt.pkg)
	}
	fns, https, err := sortedFunctions(spec)
	if err != nil {
		return nil, err
	}
	g := newGenerator()
	g.prepare(fns)
	fieldNames := newNamer("Registry")
	var bs []binding
	for _, f := range fns {
		kind, _ := f.Kind()
		b := binding{
			field:    fieldNames.take(exported(f.Path)),
			path:     f.Path,
			internal: f.Visibility == "internal",
			exposed:  opt.exposed[f.Path],
		}
		what := fmt.Sprintf("%s %s %s", f.Visibility, kind, f.Path)
		if f.Visibility == "" {
			what = fmt.Sprintf("%s %s", kind, f.Path)
		}
		b.ctor = map[cc.Kind]string{cc.KindQuery: "NewQuery", cc.KindMutation: "NewMutation", cc.KindAction: "NewAction"}[kind]
		b.args = g.goType(f.Args, b.field+"Args", "the argument object of the "+what)
		b.result = "any"
		if f.Returns != nil {
			b.result = g.goType(f.Returns, b.field+"Result", "the result of the "+what)
		}
		b.doc = fmt.Sprintf("%s is the %s.", b.field, what)
		switch {
		case b.internal:
			b.doc += "\n\t// Calls use the deploy key; it is never exposed."
		case b.exposed:
			b.doc += "\n\t// Exposed: browsers may call it through the gateway's passthrough."
		}
		bs = append(bs, b)
	}
	if g.err != nil {
		return nil, g.err
	}
	src := emit(opt, g, bs, https)
	out, err := format.Source(src)
	if err != nil { // a generator bug: show the source
		return nil, fmt.Errorf("%w: %w\n%s", errGeneratedSyntax, err, src)
	}
	return out, nil
}

// sortedFunctions returns the callable functions sorted by canonical path,
// and the HTTP actions as sorted "METHOD /path" lines.
func sortedFunctions(spec *cc.FunctionSpec) ([]cc.SpecFunction, []string, error) {
	var fns []cc.SpecFunction
	var https []string
	seen := map[string]string{}
	for _, f := range spec.Functions {
		if f.IsHTTPAction() {
			https = append(https, strings.TrimSpace(f.Method+" "+f.HTTPPath))
			continue
		}
		if _, ok := f.Kind(); !ok {
			return nil, nil, fmt.Errorf("function %s: unknown functionType %q", f.Path, f.FunctionType)
		}
		switch f.Visibility {
		case "public", "internal", "":
		default:
			return nil, nil, fmt.Errorf("function %s: unknown visibility %q", f.Path, f.Visibility)
		}
		key, _ := cc.CanonicalPath(f.Path)
		if prev, dup := seen[key]; dup {
			return nil, nil, fmt.Errorf("function %s listed twice (as %q and %q)", f.Path, prev, f.Identifier)
		}
		seen[key] = f.Identifier
		fns = append(fns, f)
	}
	sort.Slice(fns, func(i, j int) bool {
		ki, _ := cc.CanonicalPath(fns[i].Path)
		kj, _ := cc.CanonicalPath(fns[j].Path)
		return ki < kj
	})
	sort.Strings(https)
	return fns, https, nil
}

// prepare names the id types (one per table) and the document types, so
// they get the plain names (UsersID, TasksDoc) whatever comes first, and
// declares the documents first. A document is an object with a required
// _id of its table and a required number _creationTime; when one table's
// documents have several shapes, the most frequent one (then the first in
// key order) is <Table>Doc and the others are named where they occur.
func (g *generator) prepare(fns []cc.SpecFunction) {
	tables := map[string]bool{}
	counts := map[string]map[string]int{} // table -> objectKey -> uses
	shapes := map[string]*cc.Validator{}
	var walk func(v *cc.Validator)
	walk = func(v *cc.Validator) {
		if v == nil {
			return
		}
		switch v.Type {
		case cc.VID:
			tables[v.TableName] = true
		case cc.VArray:
			walk(v.Elem)
		case cc.VRecord:
			walk(v.Keys)
			walk(v.Values)
		case cc.VUnion:
			for _, m := range v.Members {
				walk(m)
			}
		case cc.VObject:
			for _, f := range v.Fields {
				walk(f.Type)
			}
			if table := documentTable(v); table != "" {
				k := objectKey(v)
				if counts[table] == nil {
					counts[table] = map[string]int{}
				}
				counts[table][k]++
				shapes[k] = v
			}
		}
	}
	for _, f := range fns {
		walk(f.Args)
		walk(f.Returns)
	}
	for _, t := range sortedKeys(tables) {
		g.idType(t)
	}
	docTables := sortedKeys(counts)
	chosen := make([]string, len(docTables))
	for i, t := range docTables {
		best := ""
		for _, k := range sortedKeys(counts[t]) {
			if best == "" || counts[t][k] > counts[t][best] {
				best = k
			}
		}
		chosen[i] = best
		g.docs[best] = g.names.take(exported(t) + "Doc")
	}
	for i, t := range docTables {
		g.object(shapes[chosen[i]], g.docs[chosen[i]], "a document of the table "+t)
	}
}

// documentTable returns the table of a document validator, or "".
func documentTable(v *cc.Validator) string {
	id, ct := fieldOf(v, "_id"), fieldOf(v, "_creationTime")
	if id == nil || ct == nil || id.Optional || ct.Optional || id.Type.Type != cc.VID || ct.Type.Type != cc.VNumber {
		return ""
	}
	return id.Type.TableName
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// emit writes the file before gofmt.
func emit(opt options, g *generator, bs []binding, https []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by convexgen from %s. DO NOT EDIT.\n\n", opt.source)
	fmt.Fprintf(&b, "package %s\n\n", opt.pkg)
	b.WriteString("import (\n")
	if g.usesJSON {
		b.WriteString("\t\"encoding/json\"\n\n")
	}
	b.WriteString("\t\"github.com/convexgw/convexgw/convexclient\"\n)\n\n")
	if len(https) > 0 {
		b.WriteString("// The deployment's HTTP actions, not callable through the function API:\n//\n")
		for _, h := range https {
			fmt.Fprintf(&b, "//\t%s\n", h)
		}
		b.WriteString("\n")
	}
	b.WriteString(`// Bindings are the deployment's functions, typed: one binding per query,
// mutation and action of the function spec. Build them with NewBindings;
// an app may embed *Bindings in its own struct. They are immutable and safe
// for concurrent use.
type Bindings struct {
`)
	for _, bd := range bs {
		fmt.Fprintf(&b, "\t// %s\n\t%s convexclient.%s[%s, %s]\n", bd.doc, bd.field, strings.TrimPrefix(bd.ctor, "New"), bd.args, bd.result)
	}
	b.WriteString(`}

// NewBindings declares every binding in r and returns them. r may be nil:
// the bindings are then declared but registered nowhere. Declaring the same
// function twice in one registry panics, so call it once per registry.
func NewBindings(r *convexclient.Registry) *Bindings {
	return &Bindings{
`)
	for _, bd := range bs {
		var opts string
		if bd.internal {
			opts += ", convexclient.Internal"
		}
		if bd.exposed {
			opts += ", convexclient.Exposed()"
		}
		fmt.Fprintf(&b, "\t\t%s: convexclient.%s[%s, %s](r, %q%s),\n", bd.field, bd.ctor, bd.args, bd.result, bd.path, opts)
	}
	b.WriteString("\t}\n}\n")
	idTables := sortedKeys(g.idTypes)
	if len(idTables) > 0 {
		b.WriteString("\n")
	}
	for _, t := range idTables {
		fmt.Fprintf(&b, "// %s is the id of a document in the table %s.\ntype %s string\n\n", g.idTypes[t], t, g.idTypes[t])
	}
	for _, d := range g.decls {
		b.WriteString("\n" + d)
	}
	return b.Bytes()
}
