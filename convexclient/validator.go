package convexclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrInvalidSpec is matched (errors.Is) by every error about a function spec
// or validator JSON that cannot be parsed.
var ErrInvalidSpec = errors.New("convexclient: invalid function spec")

// Validator types (Validator.Type), as the validator JSON names them.
const (
	VString   = "string"
	VNumber   = "number" // float64
	VBigint   = "bigint" // int64, {"$integer":...} on the wire
	VBoolean  = "boolean"
	VNull     = "null"
	VBytes    = "bytes"
	VAny      = "any"
	VCommitTs = "commitTs" // an int64 commit timestamp
	VID       = "id"
	VLiteral  = "literal"
	VArray    = "array"
	VRecord   = "record"
	VObject   = "object"
	VUnion    = "union"
)

// maxValidatorDepth bounds validator nesting: Convex values nest at most 64
// levels, and unions add levels of their own.
const maxValidatorDepth = 128

// Validator is a parsed Convex validator, the JSON `npx convex
// function-spec` prints for a function's args and returns
// ({"type":"string"}, {"type":"object","value":{...}}, ...). Parse one with
// ParseValidator; a Validator is not modified afterwards and is safe for
// concurrent reads. Which fields are set depends on Type.
type Validator struct {
	// Type is one of the V* constants. The legacy "map" and "set" parse as
	// VAny, as the backend reads them.
	Type string
	// TableName is the table of a VID.
	TableName string
	// Literal is the value of a VLiteral as canonical Convex-encoded JSON: a
	// string, a number, true or false, or {"$integer":...}.
	Literal json.RawMessage
	// Elem is the element validator of a VArray.
	Elem *Validator
	// Keys and Values are the key and value validators of a VRecord.
	Keys, Values *Validator
	// Fields are the fields of a VObject, sorted bytewise by name.
	Fields []ValidatorField
	// Members are the members of a VUnion, in spec order.
	Members []*Validator
}

// ValidatorField is one field of an object validator.
type ValidatorField struct {
	Name     string
	Optional bool // v.optional(...): the field may be absent
	Type     *Validator
}

// ParseValidator parses validator JSON. Errors match ErrInvalidSpec and
// name the place of the problem (e.g. `value.author.fieldType`).
func ParseValidator(data []byte) (*Validator, error) {
	return parseValidator(data, "", 0)
}

type validatorJSON struct {
	Type      *string         `json:"type"`
	TableName *string         `json:"tableName"`
	Value     json.RawMessage `json:"value"`
	Keys      json.RawMessage `json:"keys"`
	Values    json.RawMessage `json:"values"`
}

type fieldJSON struct {
	FieldType json.RawMessage `json:"fieldType"`
	Optional  *bool           `json:"optional"`
}

func specErr(at, format string, a ...any) error {
	if at == "" {
		at = "validator"
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalidSpec, at, fmt.Sprintf(format, a...))
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func parseValidator(data []byte, at string, depth int) (*Validator, error) {
	if depth > maxValidatorDepth {
		return nil, specErr(at, "validators nested more than %d levels deep", maxValidatorDepth)
	}
	var j validatorJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, specErr(at, "%v", err)
	}
	if j.Type == nil {
		return nil, specErr(at, `no "type"`)
	}
	v := &Validator{Type: *j.Type}
	switch v.Type {
	case VString, VNumber, VBigint, VBoolean, VNull, VBytes, VAny, VCommitTs:
	case "map", "set": // legacy aliases of any
		v.Type = VAny
	case VID:
		if j.TableName == nil || *j.TableName == "" {
			return nil, specErr(at, `id without a "tableName"`)
		}
		v.TableName = *j.TableName
	case VLiteral:
		lit, err := canonicalLiteral(j.Value)
		if err != nil {
			return nil, specErr(join(at, "value"), "%v", err)
		}
		v.Literal = lit
	case VArray:
		if len(j.Value) == 0 {
			return nil, specErr(at, `array without a "value"`)
		}
		elem, err := parseValidator(j.Value, join(at, "value"), depth+1)
		if err != nil {
			return nil, err
		}
		v.Elem = elem
	case VRecord:
		if len(j.Keys) == 0 || len(j.Values) == 0 {
			return nil, specErr(at, `record without "keys" and "values"`)
		}
		var err error
		if v.Keys, err = parseValidator(j.Keys, join(at, "keys"), depth+1); err != nil {
			return nil, err
		}
		// Values are {"fieldType": V, "optional": false}; accept a bare V too.
		values, vat := []byte(j.Values), join(at, "values")
		var f fieldJSON
		if json.Unmarshal(j.Values, &f) == nil && len(f.FieldType) > 0 {
			values, vat = f.FieldType, join(vat, "fieldType")
		}
		if v.Values, err = parseValidator(values, vat, depth+1); err != nil {
			return nil, err
		}
	case VObject:
		if err := v.parseFields(j.Value, at, depth); err != nil {
			return nil, err
		}
	case VUnion:
		var members []json.RawMessage
		if err := json.Unmarshal(j.Value, &members); err != nil || len(j.Value) == 0 {
			return nil, specErr(join(at, "value"), "union members must be a list")
		}
		for i, m := range members {
			mv, err := parseValidator(m, join(at, "value["+strconv.Itoa(i)+"]"), depth+1)
			if err != nil {
				return nil, err
			}
			v.Members = append(v.Members, mv)
		}
	default:
		return nil, specErr(at, "unknown validator type %q", v.Type)
	}
	return v, nil
}

func (v *Validator) parseFields(value json.RawMessage, at string, depth int) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(value, &fields); err != nil || fields == nil {
		return specErr(join(at, "value"), "object fields must be an object")
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fat := join(join(at, "value"), name)
		if err := checkFieldName([]byte(name)); err != nil {
			return specErr(fat, "%s", err.(*ValueError).Reason)
		}
		var f fieldJSON
		if err := json.Unmarshal(fields[name], &f); err != nil || len(f.FieldType) == 0 {
			return specErr(fat, `a field must be {"fieldType": ..., "optional": ...}`)
		}
		ft, err := parseValidator(f.FieldType, join(fat, "fieldType"), depth+1)
		if err != nil {
			return err
		}
		v.Fields = append(v.Fields, ValidatorField{Name: name, Optional: f.Optional != nil && *f.Optional, Type: ft})
	}
	return nil
}

// canonicalLiteral checks a literal's value (string, finite number, boolean
// or {"$integer":...}) and returns it re-encoded canonically.
func canonicalLiteral(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return nil, errors.New(`literal without a "value"`)
	}
	var x any
	if err := Unmarshal(raw, &x); err != nil {
		return nil, err
	}
	switch x := x.(type) {
	case string, bool, int64:
	case float64:
		if isSpecialFloat(x) {
			return nil, errors.New("a literal number must be finite")
		}
	default:
		return nil, fmt.Errorf("a literal must be a string, number, boolean or int64, not %s", bytes.TrimSpace(raw))
	}
	return Marshal(x)
}

// LiteralValue returns a VLiteral's value: a string, float64, bool or int64.
func (v *Validator) LiteralValue() any {
	var x any
	_ = Unmarshal(v.Literal, &x) // checked by ParseValidator
	return x
}

// Nullable reports whether v accepts null: it is VNull, VAny, or a union
// with such a member.
func (v *Validator) Nullable() bool {
	switch v.Type {
	case VNull, VAny:
		return true
	case VUnion:
		for _, m := range v.Members {
			if m.Nullable() {
				return true
			}
		}
	}
	return false
}

// String renders v in TypeScript-like notation: `string`, `id<users>`,
// `"a" | "b"`, `bigint[]`, `record<string, number>`, `{a: string, b?: 3n}`.
func (v *Validator) String() string {
	var b strings.Builder
	v.write(&b, false)
	return b.String()
}

func (v *Validator) write(b *strings.Builder, inArray bool) {
	switch v.Type {
	case VID:
		b.WriteString("id<" + v.TableName + ">")
	case VLiteral:
		if x, ok := v.LiteralValue().(int64); ok {
			b.WriteString(strconv.FormatInt(x, 10) + "n")
		} else {
			b.Write(v.Literal)
		}
	case VArray:
		v.Elem.write(b, true)
		b.WriteString("[]")
	case VRecord:
		b.WriteString("record<")
		v.Keys.write(b, false)
		b.WriteString(", ")
		v.Values.write(b, false)
		b.WriteString(">")
	case VObject:
		b.WriteString("{")
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name)
			if f.Optional {
				b.WriteString("?")
			}
			b.WriteString(": ")
			f.Type.write(b, false)
		}
		b.WriteString("}")
	case VUnion:
		if inArray {
			b.WriteString("(")
		}
		for i, m := range v.Members {
			if i > 0 {
				b.WriteString(" | ")
			}
			m.write(b, false)
		}
		if inArray {
			b.WriteString(")")
		}
	default:
		b.WriteString(v.Type)
	}
}
