package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	cc "github.com/convexgw/convexgw/convexclient"
)

// generator turns validators into Go types. It is used once, by generate;
// names are handed out in the order validators are visited, which generate
// fixes, so the output is deterministic.
type generator struct {
	names    *namer            // package-level identifiers
	decls    []string          // declarations, in order of first use
	idTypes  map[string]string // table -> id type
	enums    map[string]string // enumKey -> enum type
	docs     map[string]string // objectKey -> document type chosen for it
	declared map[string]bool   // document types already declared
	structs  map[string]map[string]string
	usesJSON bool  // a union's MarshalJSON needs encoding/json
	err      error // the first validator that cannot become Go
}

func newGenerator() *generator {
	return &generator{
		names:    newNamer("Bindings", "NewBindings"),
		idTypes:  map[string]string{},
		enums:    map[string]string{},
		docs:     map[string]string{},
		declared: map[string]bool{},
		structs:  map[string]map[string]string{},
	}
}

func (g *generator) fail(format string, a ...any) {
	if g.err == nil {
		g.err = fmt.Errorf(format, a...)
	}
}

// objectKey identifies a validator's shape exactly.
func objectKey(v *cc.Validator) string {
	b, _ := json.Marshal(v) // a Validator always marshals
	return string(b)
}

// slot reserves a place for a declaration whose text is only known after
// the types it uses are declared, so a type comes before its parts.
func (g *generator) slot() int {
	g.decls = append(g.decls, "")
	return len(g.decls) - 1
}

// goType returns the Go type expression for v, declaring the named types it
// needs. ctx names a new type; about describes it for its doc comment
// ("the result of the query tasks:list").
func (g *generator) goType(v *cc.Validator, ctx, about string) string {
	switch v.Type {
	case cc.VString:
		return "string"
	case cc.VNumber:
		return "float64"
	case cc.VBigint, cc.VCommitTs:
		return "int64"
	case cc.VBoolean:
		return "bool"
	case cc.VNull:
		return "convexclient.Null"
	case cc.VBytes:
		return "[]byte"
	case cc.VAny:
		return "any"
	case cc.VID:
		return g.idType(v.TableName)
	case cc.VLiteral:
		return literalBase(v)
	case cc.VArray:
		return "[]" + g.goType(v.Elem, ctx+"Item", "an element of "+about)
	case cc.VRecord:
		key := "string"
		if v.Keys.Type == cc.VID {
			key = g.idType(v.Keys.TableName)
		}
		return "map[" + key + "]" + g.goType(v.Values, ctx+"Value", "a value of "+about)
	case cc.VObject:
		return g.object(v, ctx, about)
	case cc.VUnion:
		return g.union(v, ctx, about)
	}
	g.fail("validator type %q has no Go type", v.Type)
	return "any"
}

// idType returns the id type of table, declaring it on first use.
func (g *generator) idType(table string) string {
	if name, ok := g.idTypes[table]; ok {
		return name
	}
	name := g.names.take(exported(table) + "ID")
	g.idTypes[table] = name
	return name
}

// literalBase is the Go type of a literal's value.
func literalBase(v *cc.Validator) string {
	switch v.LiteralValue().(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int64:
		return "int64"
	}
	return "float64"
}

// literalGo is a literal's value as a Go constant expression.
func literalGo(v *cc.Validator) string {
	switch x := v.LiteralValue().(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return "nil"
}

// literalIdent names a literal inside an identifier: "in progress" →
// InProgress, 1.5 → N1_5, -2 → NMinus2, 3n → I3, true → True.
func literalIdent(v *cc.Validator) string {
	num := func(s string) string {
		s = strings.ReplaceAll(s, "-", "Minus")
		s = strings.ReplaceAll(s, "+", "")
		return strings.ReplaceAll(s, ".", "_")
	}
	switch x := v.LiteralValue().(type) {
	case string:
		if id := exported(x); id != "" {
			return id
		}
		if x == "" {
			return "Empty"
		}
		return "Value"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return "I" + num(strconv.FormatInt(x, 10))
	case float64:
		return "N" + num(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return "Value"
}

// object declares a struct for an object validator (or reuses the document
// type chosen for its shape) and returns its name.
func (g *generator) object(v *cc.Validator, ctx, about string) string {
	if name, ok := g.docs[objectKey(v)]; ok {
		if !g.declared[name] {
			g.declared[name] = true
			g.declareStruct(name, v, about)
		}
		return name
	}
	name := g.names.take(ctx)
	g.declareStruct(name, v, about)
	return name
}

func (g *generator) declareStruct(name string, v *cc.Validator, about string) {
	at := g.slot()
	fields := newNamer()
	mapping := map[string]string{}
	g.structs[name] = mapping
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is %s.\ntype %s struct", name, about, name)
	if len(v.Fields) == 0 {
		b.WriteString("{}\n")
		g.decls[at] = b.String()
		return
	}
	b.WriteString(" {\n")
	for _, f := range v.Fields {
		if !tagSafe(f.Name) {
			g.fail("%s: field %q cannot be a Go struct tag (it is empty or has one of , \" ' \\ `)", about, f.Name)
			continue
		}
		goName := fields.take(exported(f.Name))
		mapping[f.Name] = goName
		ft := g.goType(f.Type, name+goName, fmt.Sprintf("the field %q of %s", f.Name, name))
		tag := f.Name
		if f.Optional {
			ft = "convexclient.Optional[" + ft + "]"
			tag += ",omitzero"
		}
		comment := ""
		if f.Type.Type == cc.VLiteral {
			comment = " // always " + f.Type.String()
		}
		fmt.Fprintf(&b, "\t%s %s `json:%s`%s\n", goName, ft, strconv.Quote(tag), comment)
	}
	b.WriteString("}\n")
	g.decls[at] = b.String()
}

// enum declares a named type with one constant per literal for a union of
// literals of one Go type (or reuses the one declared for the same set).
func (g *generator) enum(lits []*cc.Validator, ctx, about string) string {
	base := literalBase(lits[0])
	keys := make([]string, len(lits))
	for i, l := range lits {
		keys[i] = string(l.Literal)
	}
	sort.Strings(keys)
	key := base + "\x00" + strings.Join(keys, "\x00")
	if name, ok := g.enums[key]; ok {
		return name
	}
	name := g.names.take(ctx)
	g.enums[key] = name
	var list []string
	for _, l := range lits {
		list = append(list, l.String())
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is one of %s: %s.\ntype %s %s\n\n", name, strings.Join(list, ", "), about, name, base)
	fmt.Fprintf(&b, "// The values of %s.\nconst (\n", name)
	seen := map[string]bool{}
	var values []string
	for _, l := range lits {
		if seen[string(l.Literal)] {
			continue
		}
		seen[string(l.Literal)] = true
		values = append(values, literalGo(l))
		fmt.Fprintf(&b, "\t%s %s = %s\n", g.names.take(name+literalIdent(l)), name, literalGo(l))
	}
	b.WriteString(")\n\n")
	// Values lets generic code (routes.NewResource's list filters, request
	// validation) check a value without knowing the type.
	fmt.Fprintf(&b, "// Values returns every value of %s, in the spec's order.\nfunc (%s) Values() []%s {\n\treturn []%s{%s}\n}\n",
		name, name, base, base, strings.Join(values, ", "))
	g.decls = append(g.decls, b.String())
	return name
}
