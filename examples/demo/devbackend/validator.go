package devbackend

import (
	"errors"
	"fmt"
	"strings"
)

// validator mirrors a Convex `v.*` validator. Messages follow convex-test's
// validateValidator, the runtime the recordings were made with.
type validator struct {
	kind   string // null number bigint boolean string bytes any literal id array union object
	table  string // id
	lit    any    // literal: string, float64 or bool
	elem   *validator
	union  []*validator
	fields []field // object, in declaration order
}

type field struct {
	name     string
	v        *validator
	optional bool
}

func vString() *validator  { return &validator{kind: "string"} }
func vNumber() *validator  { return &validator{kind: "number"} }
func vBoolean() *validator { return &validator{kind: "boolean"} }
func vNull() *validator    { return &validator{kind: "null"} }
func vID(table string) *validator {
	return &validator{kind: "id", table: table}
}
func vArray(e *validator) *validator { return &validator{kind: "array", elem: e} }
func vUnion(vs ...*validator) *validator {
	return &validator{kind: "union", union: vs}
}

// vLiterals is v.union(v.literal(a), v.literal(b), ...).
func vLiterals(lits ...string) *validator {
	vs := make([]*validator, len(lits))
	for i, l := range lits {
		vs[i] = &validator{kind: "literal", lit: l}
	}
	return vUnion(vs...)
}

func vObject(fs ...field) *validator { return &validator{kind: "object", fields: fs} }
func req(name string, v *validator) field {
	return field{name: name, v: v}
}
func opt(name string, v *validator) field {
	return field{name: name, v: v, optional: true}
}

// paginationOpts is convex/server's paginationOptsValidator.
func paginationOpts() *validator {
	return vObject(
		req("numItems", vNumber()),
		req("cursor", vUnion(vString(), vNull())),
		opt("endCursor", vUnion(vString(), vNull())),
		opt("id", vNumber()),
		opt("maximumRowsRead", vNumber()),
		opt("maximumBytesRead", vNumber()),
	)
}

// argError is an argument validation failure. Details is convex-test's
// validator message without its "Validator error: " prefix, which the Node
// runner answers as "ArgumentValidationError: <Details>".
type argError struct{ Details string }

func (e *argError) Error() string { return "ArgumentValidationError: " + e.Details }

func verr(format string, a ...any) error {
	return &argError{Details: fmt.Sprintf(format, a...)}
}

// tableOfFunc reports the table an id string belongs to ("" if none).
type tableOfFunc func(id string) string

// validate checks value against v exactly as convex-test does, including
// which problem is reported first.
func (v *validator) validate(value any, tableOf tableOfFunc) error {
	switch v.kind {
	case "any":
		return nil
	case "null":
		if value != nil {
			return verr("Expected `null`, got `%s`", jsString(value))
		}
	case "number":
		if _, ok := value.(float64); !ok {
			return verr("Expected `number`, got `%s`", jsString(value))
		}
	case "bigint":
		if _, ok := value.(int64); !ok {
			return verr("Expected `bigint`, got `%s`", jsString(value))
		}
	case "boolean":
		if _, ok := value.(bool); !ok {
			return verr("Expected `boolean`, got `%s`", jsString(value))
		}
	case "string":
		if _, ok := value.(string); !ok {
			return verr("Expected `string`, got `%s`", jsString(value))
		}
	case "bytes":
		if _, ok := value.([]byte); !ok {
			return verr("Expected `ArrayBuffer`, got `%s`", jsString(value))
		}
	case "literal":
		if !sameScalar(value, v.lit) {
			return verr("Expected `%s`, got `%s`", jsString(v.lit), jsString(value))
		}
	case "id":
		s, ok := value.(string)
		if !ok {
			return verr("Expected `string`, got `%s`", jsString(value))
		}
		if tableOf(s) != v.table {
			return verr("Expected ID for table %q, got `%s`", v.table, s)
		}
	case "array":
		arr, ok := value.([]any)
		if !ok {
			return verr("Expected `Array`, got `%s`", jsString(value))
		}
		for _, e := range arr {
			if err := v.elem.validate(e, tableOf); err != nil {
				return err
			}
		}
	case "union":
		for _, m := range v.union {
			if m.validate(value, tableOf) == nil {
				return nil
			}
		}
		kinds := make([]string, len(v.union))
		for i, m := range v.union {
			kinds[i] = m.kind
		}
		return verr("Expected one of %s, got `%s`", strings.Join(kinds, ", "), jsJSON(value))
	case "object":
		return v.validateObject(value, tableOf)
	default:
		return fmt.Errorf("devbackend: unknown validator %q", v.kind)
	}
	return nil
}

func (v *validator) validateObject(value any, tableOf tableOfFunc) error {
	switch value.(type) {
	case nil, *object, []any, []byte:
	default:
		return verr("Expected `object`, got `%s`", jsString(value))
	}
	obj, ok := value.(*object)
	if !ok {
		return verr("Expected a plain old JavaScript `object`, got `%s`", jsString(value))
	}
	for _, f := range v.fields {
		fv, present := obj.get(f.name)
		if !present {
			if !f.optional {
				return verr("Missing required field `%s` in object", f.name)
			}
			continue
		}
		if err := f.v.validate(fv, tableOf); err != nil {
			return err
		}
	}
	for _, k := range obj.keys {
		if !v.hasField(k) {
			return verr("Unexpected field `%s` in object", k)
		}
	}
	return nil
}

func (v *validator) hasField(name string) bool {
	for _, f := range v.fields {
		if f.name == name {
			return true
		}
	}
	return false
}

// isValidationError reports whether err is an argument validation failure.
func isValidationError(err error) bool {
	var ve *argError
	return errors.As(err, &ve)
}

// sameScalar is JavaScript's === for the scalar kinds literals take.
func sameScalar(a, b any) bool {
	switch a.(type) {
	case string, float64, bool, int64:
		return a == b
	}
	return false
}
