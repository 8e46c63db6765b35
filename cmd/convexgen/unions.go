package main

import (
	"fmt"
	"strconv"
	"strings"

	cc "github.com/convexgw/convexgw/convexclient"
)

// union maps a union validator: T | null is a nullable T (a pointer unless
// T is already nil-able); literals of one Go type are an enum; anything
// else is a union struct (unionType). A member `any` makes the union any.
func (g *generator) union(v *cc.Validator, ctx, about string) string {
	var members []*cc.Validator
	var flatten func(*cc.Validator)
	flatten = func(u *cc.Validator) {
		for _, m := range u.Members {
			if m.Type == cc.VUnion {
				flatten(m)
			} else {
				members = append(members, m)
			}
		}
	}
	flatten(v)
	var rest []*cc.Validator
	seen := map[string]bool{}
	null := false
	for _, m := range members {
		switch m.Type {
		case cc.VAny:
			return "any"
		case cc.VNull:
			null = true
			continue
		}
		if k := objectKey(m); !seen[k] {
			seen[k] = true
			rest = append(rest, m)
		}
	}
	var t string
	switch {
	case len(rest) == 0:
		return "convexclient.Null"
	case len(rest) == 1:
		t = g.goType(rest[0], ctx, about)
	case sameLiterals(rest):
		t = g.enum(rest, ctx, about)
	default:
		t = g.unionType(rest, ctx, about)
	}
	if null && !nilableGo(t) {
		return "*" + t
	}
	return t
}

// nilableGo reports whether values of Go type expression t can be nil.
func nilableGo(t string) bool {
	return t == "any" || t == "convexclient.Null" || strings.HasPrefix(t, "*") ||
		strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "map[")
}

// sameLiterals reports whether every member is a literal of one Go type.
func sameLiterals(ms []*cc.Validator) bool {
	for _, m := range ms {
		if m.Type != cc.VLiteral || literalBase(m) != literalBase(ms[0]) {
			return false
		}
	}
	return true
}

// discriminator returns the field that tells object members apart: required
// in every member, a literal in each, a different one in each. "" when the
// members are not all objects or no field does.
func discriminator(ms []*cc.Validator) string {
	for _, m := range ms {
		if m.Type != cc.VObject {
			return ""
		}
	}
	for _, f := range ms[0].Fields {
		seen := map[string]bool{}
		ok := true
		for _, m := range ms {
			mf := fieldOf(m, f.Name)
			if mf == nil || mf.Optional || mf.Type.Type != cc.VLiteral || seen[plainKey(mf.Type)] {
				ok = false
				break
			}
			seen[plainKey(mf.Type)] = true
		}
		if ok && tagSafe(f.Name) {
			return f.Name
		}
	}
	return ""
}

// plainKey identifies a literal as plain JSON reads it, where an int64 is a
// float64: tags must differ in that reading too (UnmarshalJSON).
func plainKey(v *cc.Validator) string {
	if n, ok := v.LiteralValue().(int64); ok {
		return strconv.FormatFloat(float64(n), 'g', -1, 64)
	}
	return string(v.Literal)
}

func fieldOf(v *cc.Validator, name string) *cc.ValidatorField {
	for i := range v.Fields {
		if v.Fields[i].Name == name {
			return &v.Fields[i]
		}
	}
	return nil
}

// writeTagSwitch writes the body of a discriminated union's decoder: read
// the tag field, then decode the variant it names with unmarshal
// ("convexclient.Unmarshal", or "json.Unmarshal" where plainJSON: there an
// int64 tag is a plain number).
func writeTagSwitch(b *strings.Builder, name, disc string, vs []variant, unmarshal string, plainJSON bool) {
	probe := "convexclient.UnmarshalPartial"
	if plainJSON {
		probe = "json.Unmarshal"
	}
	fmt.Fprintf(b, "\tvar tag struct {\n\t\tValue any `json:%s`\n\t}\n", strconv.Quote(disc))
	fmt.Fprintf(b, "\tif err := %s(data, &tag); err != nil {\n\t\treturn err\n\t}\n", probe)
	fmt.Fprintf(b, "\t*u = %s{}\n\tswitch tag.Value {\n", name)
	for _, v := range vs {
		lit := fieldOf(v.m, disc).Type
		cs := literalGo(lit)
		switch lit.LiteralValue().(type) {
		case float64:
			cs = "float64(" + cs + ")"
		case int64:
			if plainJSON {
				cs = "float64(" + cs + ")"
			} else {
				cs = "int64(" + cs + ")"
			}
		}
		fmt.Fprintf(b, "\tcase %s:\n\t\tu.%s = new(%s)\n\t\treturn %s(data, u.%s)\n", cs, v.field, v.typ, unmarshal, v.field)
	}
	fmt.Fprintf(b, "\t}\n\treturn convexclient.NoVariantError(%q)\n", name)
}

// literalsFirst orders variants for decoding: literal members (the most
// specific) first, then the others in spec order.
func literalsFirst(vs []variant) []variant {
	out := make([]variant, 0, len(vs))
	for _, v := range vs {
		if v.m.Type == cc.VLiteral {
			out = append(out, v)
		}
	}
	for _, v := range vs {
		if v.m.Type != cc.VLiteral {
			out = append(out, v)
		}
	}
	return out
}

// kindName names a variant after its member's kind.
func kindName(m *cc.Validator) string {
	switch m.Type {
	case cc.VString:
		return "String"
	case cc.VNumber:
		return "Number"
	case cc.VBigint:
		return "Int64"
	case cc.VCommitTs:
		return "CommitTs"
	case cc.VBoolean:
		return "Bool"
	case cc.VBytes:
		return "Bytes"
	case cc.VID:
		return exported(m.TableName) + "ID"
	case cc.VLiteral:
		return literalIdent(m)
	case cc.VArray:
		return "Array"
	case cc.VRecord:
		return "Record"
	}
	return "Object"
}

type variant struct {
	field string        // the union struct's field
	typ   string        // the variant's Go type (the field is a *typ)
	m     *cc.Validator // the member
	tag   string        // discriminated: the Go field of the discriminator in typ
}

// unionType declares a union struct: one pointer field per variant, exactly
// one set, with ConvexValue/UnmarshalConvex (convexclient's
// ValueMarshaler/ValueUnmarshaler) and MarshalJSON/UnmarshalJSON. Objects
// told apart by a literal field are picked by it; other members are tried
// in spec order with convexclient.UnmarshalExact, so a value decodes into
// the first member that holds it exactly.
func (g *generator) unionType(ms []*cc.Validator, ctx, about string) string {
	name := g.names.take(ctx)
	at := g.slot()
	g.usesJSON = true
	disc := discriminator(ms)
	local := newNamer("ConvexValue", "UnmarshalConvex", "MarshalJSON", "UnmarshalJSON")
	vs := make([]variant, len(ms))
	for i, m := range ms {
		base := kindName(m)
		if disc != "" {
			base = literalIdent(fieldOf(m, disc).Type)
		}
		vs[i].field = local.take(base)
		vs[i].m = m
		vs[i].typ = g.goType(m, name+vs[i].field, fmt.Sprintf("the %s variant of %s", vs[i].field, name))
		if disc != "" {
			vs[i].tag = g.structs[vs[i].typ][disc]
		}
	}
	var b strings.Builder
	var list []string
	for _, v := range vs {
		list = append(list, v.field)
	}
	fmt.Fprintf(&b, "// %s is %s: a union of %s.\n// Exactly one field is set.", name, about, strings.Join(list, ", "))
	if disc != "" {
		fmt.Fprintf(&b, " The variants are told apart by their field %q, which\n// ConvexValue fills in.", disc)
	} else {
		b.WriteString(" A value decodes into the first variant that holds it\n// exactly (convexclient.UnmarshalExact), literals first, then in this order.")
	}
	fmt.Fprintf(&b, "\ntype %s struct {\n", name)
	for _, v := range vs {
		fmt.Fprintf(&b, "\t%s *%s\n", v.field, v.typ)
	}
	b.WriteString("}\n\n")

	fmt.Fprintf(&b, "// ConvexValue returns the variant that is set; it implements\n// convexclient.ValueMarshaler.\n")
	fmt.Fprintf(&b, "func (u %s) ConvexValue() (any, error) {\n\tvar v any\n\tn := 0\n", name)
	for _, v := range vs {
		if disc != "" {
			fmt.Fprintf(&b, "\tif u.%s != nil {\n\t\tw := *u.%s\n\t\tw.%s = %s\n\t\tv, n = w, n+1\n\t}\n",
				v.field, v.field, v.tag, literalGo(fieldOf(v.m, disc).Type))
		} else {
			fmt.Fprintf(&b, "\tif u.%s != nil {\n\t\tv, n = *u.%s, n+1\n\t}\n", v.field, v.field)
		}
	}
	fmt.Fprintf(&b, "\tif n != 1 {\n\t\treturn nil, convexclient.VariantCountError(%q, n)\n\t}\n\treturn v, nil\n}\n\n", name)

	fmt.Fprintf(&b, "// UnmarshalConvex decodes the variant the value holds; it implements\n// convexclient.ValueUnmarshaler.\n")
	fmt.Fprintf(&b, "func (u *%s) UnmarshalConvex(data []byte) error {\n", name)
	if disc != "" {
		writeTagSwitch(&b, name, disc, vs, "convexclient.Unmarshal", false)
	} else {
		b.WriteString("\treturn u.decode(data, convexclient.UnmarshalExact)\n}\n\n")
		fmt.Fprintf(&b, "// decode sets the first variant, literals first, that unmarshal accepts.\n")
		fmt.Fprintf(&b, "func (u *%s) decode(data []byte, unmarshal func([]byte, any) error) error {\n", name)
		fmt.Fprintf(&b, "\t*u = %s{}\n", name)
		for _, v := range literalsFirst(vs) {
			cond := "unmarshal(data, v) == nil"
			if v.m.Type == cc.VLiteral {
				cond += " && *v == " + literalGo(v.m)
			}
			fmt.Fprintf(&b, "\tif v := new(%s); %s {\n\t\tu.%s = v\n\t\treturn nil\n\t}\n", v.typ, cond, v.field)
		}
		fmt.Fprintf(&b, "\treturn convexclient.NoVariantError(%q)\n", name)
	}
	b.WriteString("}\n\n")

	fmt.Fprintf(&b, "// MarshalJSON encodes the variant that is set with encoding/json.\n")
	fmt.Fprintf(&b, "func (u %s) MarshalJSON() ([]byte, error) {\n\tv, err := u.ConvexValue()\n\tif err != nil {\n\t\treturn nil, err\n\t}\n\treturn json.Marshal(v)\n}\n\n", name)
	if disc != "" {
		fmt.Fprintf(&b, "// UnmarshalJSON decodes the variant its field %q names with encoding/json.\n", disc)
		fmt.Fprintf(&b, "func (u *%s) UnmarshalJSON(data []byte) error {\n", name)
		writeTagSwitch(&b, name, disc, vs, "json.Unmarshal", true)
		b.WriteString("}\n")
	} else {
		fmt.Fprintf(&b, "// UnmarshalJSON decodes JSON as UnmarshalConvex does, then, when no variant\n// holds the value exactly, into the first that convexclient.Unmarshal\n// accepts (plain JSON has no int64: an integer is a float64 first).\n")
		fmt.Fprintf(&b, "func (u *%s) UnmarshalJSON(data []byte) error {\n", name)
		b.WriteString("\tif u.decode(data, convexclient.UnmarshalExact) == nil {\n\t\treturn nil\n\t}\n")
		b.WriteString("\treturn u.decode(data, convexclient.Unmarshal)\n}\n")
	}
	g.decls[at] = b.String()
	return name
}
