package convexclient

import (
	"fmt"
	"reflect"
	"sort"
)

// CheckTypes compares binding b's Go args and result types with function
// f's validators, field by field, and returns one SpecProblem per mismatch
// (nil when they match). The rules follow what Marshal and Unmarshal do:
//
//   - args must encode to what the args validator accepts: every required
//     field present and never left out (no omitempty, not Optional), every
//     optional field omittable (Optional, or omitempty/omitzero), no Go field
//     the function does not take unless it can be left out, int64 only for
//     bigint (other integers are JSON numbers, fine for number);
//   - the result must hold every value the returns validator allows:
//     every field of the spec present in Go (a missing one would be dropped),
//     every optional one optional in Go (a pointer, Optional, omitempty or
//     omitzero; otherwise its absence fails to decode), no required Go field
//     the function does not return, float64 (not an integer type) for
//     number, int64 for bigint, a nil-able type (pointer, slice, map,
//     interface) wherever null is allowed.
//
// A Go type that encodes or decodes itself (ValueMarshaler,
// ValueUnmarshaler, json.Marshaler for args, json.Unmarshaler for results)
// and an interface type accept anything; so does a validator of type any,
// and a nil Returns.
func CheckTypes(b BindingInfo, f *SpecFunction) []SpecProblem {
	var out []SpecProblem
	if b.Args != nil && f.Args != nil {
		c := typeChecker{path: b.Path, args: true}
		c.check(f.Args, b.Args, "args")
		out = append(out, c.problems...)
	}
	if b.Result != nil && f.Returns != nil {
		c := typeChecker{path: b.Path, partial: b.PartialResult}
		c.check(f.Returns, b.Result, "result")
		out = append(out, c.problems...)
	}
	return out
}

// typeChecker collects the mismatches of one direction of one binding.
type typeChecker struct {
	path     string
	args     bool // args (Go encodes) rather than result (Go decodes)
	partial  bool // a result that reads a subset of the fields (PartialResult)
	problems []SpecProblem
}

func (c *typeChecker) add(at string, v *Validator, t reflect.Type, format string, a ...any) {
	p := SpecProblem{Path: c.path, Field: at}
	if v != nil {
		p.Spec = v.String()
	}
	if t != nil {
		p.Go = t.String()
	}
	p.Problem = at + ": " + fmt.Sprintf(format, a...)
	c.problems = append(c.problems, p)
}

func (c *typeChecker) mismatch(at string, v *Validator, t reflect.Type) {
	c.add(at, v, t, "spec %s, Go %s", v, t)
}

// opaque reports whether t encodes (args) or decodes (result) itself, or is
// an interface that holds any value.
func (c *typeChecker) opaque(t reflect.Type) bool {
	if t.Kind() == reflect.Interface {
		return c.args || t.NumMethod() == 0
	}
	if c.args {
		switch types.marshalerKind(t) {
		case marshalJSON, marshalJSONPtr, marshalConvex, marshalConvexPtr:
			return true
		}
		return false
	}
	switch types.unmarshalerKind(t) {
	case unmarshalJSON, unmarshalConvex:
		return true
	}
	return false
}

func (c *typeChecker) check(v *Validator, t reflect.Type, at string) {
	if v.Type == VAny || c.opaque(t) {
		return
	}
	if types.marshalerKind(t) == marshalOptional { // outside a field: its value
		t = t.Field(0).Type
	}
	switch v.Type {
	case VUnion:
		c.union(v, t, at)
		return
	case VNull:
		if !nilable(t) {
			c.add(at, v, t, "spec null, Go %s cannot hold null", t)
		}
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if c.opaque(t) {
		return
	}
	k := t.Kind()
	ok := true
	switch v.Type {
	case VString:
		ok = k == reflect.String && t != jsonNumberType
	case VID:
		ok = k == reflect.String && t != jsonNumberType
	case VNumber:
		ok = c.number(t)
	case VBigint, VCommitTs:
		ok = k == reflect.Int64
	case VBoolean:
		ok = k == reflect.Bool
	case VBytes:
		ok = k == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case VLiteral:
		switch v.LiteralValue().(type) {
		case string:
			ok = k == reflect.String && t != jsonNumberType
		case float64:
			ok = c.number(t)
		case bool:
			ok = k == reflect.Bool
		case int64:
			ok = k == reflect.Int64
		}
	case VArray:
		if ok = (k == reflect.Slice && t.Elem().Kind() != reflect.Uint8) || k == reflect.Array; ok {
			c.check(v.Elem, t.Elem(), at+"[]")
		}
	case VRecord:
		if ok = k == reflect.Map && t.Key().Kind() == reflect.String; ok {
			c.check(v.Values, t.Elem(), at+"{}")
		}
	case VObject:
		switch {
		case k == reflect.Struct:
			c.object(v, t, at)
		case k == reflect.Map && t.Key().Kind() == reflect.String:
			for _, f := range v.Fields {
				c.check(f.Type, t.Elem(), at+"."+f.Name)
			}
		default:
			ok = false
		}
	}
	if !ok {
		c.mismatch(at, v, t)
	}
}

// number reports whether t holds a Convex float64: a float; for args also
// an integer type other than int64 (encoded as a JSON number), never for
// results (a fraction would not decode).
func (c *typeChecker) number(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return c.args
	case reflect.String:
		return t == jsonNumberType
	}
	return false
}

func (c *typeChecker) union(v *Validator, t reflect.Type, at string) {
	var members []*Validator
	var flatten func(*Validator)
	flatten = func(u *Validator) {
		for _, m := range u.Members {
			if m.Type == VUnion {
				flatten(m)
			} else {
				members = append(members, m)
			}
		}
	}
	flatten(v)
	var rest []*Validator
	null := false
	for _, m := range members {
		switch m.Type {
		case VAny:
			return
		case VNull:
			null = true
		default:
			rest = append(rest, m)
		}
	}
	if null && !nilable(t) {
		c.add(at, v, t, "spec %s, Go %s cannot hold null (use a pointer)", v, t)
	}
	if null && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case len(rest) == 0 || c.opaque(t):
		return
	case len(rest) == 1:
		c.check(rest[0], t, at)
		return
	}
	for _, m := range rest {
		sub := typeChecker{path: c.path, args: c.args, partial: c.partial}
		sub.check(m, t, at)
		if len(sub.problems) > 0 {
			c.add(at, v, t, "spec %s, Go %s does not hold member %s (%s)", v, t, m, sub.problems[0].Problem)
			return
		}
	}
}

func (c *typeChecker) object(v *Validator, t reflect.Type, at string) {
	si := types.structInfo(t)
	for _, sf := range v.Fields {
		fat := at + "." + sf.Name
		i, ok := si.byName[sf.Name]
		if !ok {
			if (!c.args && !c.partial) || (c.args && !sf.Optional) { // an optional arg may go unused
				c.add(fat, sf.Type, nil, "missing in Go (spec %s)", sf.Type)
			}
			continue
		}
		gf := &si.fields[i]
		ft := gf.typ
		opt := gf.marshal == marshalOptional
		omittable := opt || gf.omitEmpty || gf.omitZero || (!gf.required && ft.Kind() != reflect.Pointer)
		switch {
		case c.args && !sf.Optional && omittable:
			c.add(fat, sf.Type, ft, "required in the spec, Go %s may leave it out", ft)
		case c.args && sf.Optional && !omittable:
			c.add(fat, sf.Type, ft, "optional in the spec, Go %s always sends it (use Optional or omitempty)", ft)
		case !c.args && sf.Optional && gf.required:
			c.add(fat, sf.Type, ft, "optional in the spec, required in Go %s: an absent value fails to decode (use Optional or a pointer)", ft)
		}
		switch {
		case opt:
			ft = ft.Field(0).Type
		case sf.Optional && ft.Kind() == reflect.Pointer && !sf.Type.Nullable():
			ft = ft.Elem() // nil means absent
		}
		c.check(sf.Type, ft, fat)
	}
	for i := range si.fields {
		gf := &si.fields[i]
		j := sort.Search(len(v.Fields), func(j int) bool { return v.Fields[j].Name >= gf.name })
		if j < len(v.Fields) && v.Fields[j].Name == gf.name {
			continue
		}
		omittable := gf.marshal == marshalOptional || gf.omitEmpty || gf.omitZero ||
			(!gf.required && gf.typ.Kind() != reflect.Pointer)
		switch {
		case c.args && !omittable:
			c.add(at+"."+gf.name, nil, gf.typ, "not in the spec, and Go %s always sends it", gf.typ)
		case !c.args && gf.required:
			c.add(at+"."+gf.name, nil, gf.typ, "not in the spec, and required in Go %s: no result decodes", gf.typ)
		}
	}
}
