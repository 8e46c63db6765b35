package convexclient

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// field is one encodable struct field (possibly promoted from an embedded struct).
type field struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool // `json:",omitzero"`: left out when reflect's IsZero
	required  bool // Unmarshal fails when the object lacks it (requiredField)
	typ       reflect.Type
	nameErr   error  // non-nil when name is not a valid Convex field name
	prefix    []byte // `"name":`, escaped
	marshal   uint8  // types.marshalerKind of the field's type
	decode    uint8  // decodeString, decodeFloat64 or decodeOptional: the decoder's fast paths
	inner     uint8  // decodeOptional: the decode kind of the Optional's Value
	innerNil  bool   // decodeOptional: the Value can hold null
}

// Fast decode paths of a field (field.decode): exactly string or float64,
// which decoder.value would handle the same way, minus its type checks.
const (
	decodeAny uint8 = iota
	decodeString
	decodeFloat64
	decodeOptional // an Optional field, decoded without a type-cache lookup
)

// structInfo is the cached field layout of a struct type.
type structInfo struct {
	fields   []field        // sorted bytewise by name
	byName   map[string]int // exact name -> index into fields
	required int            // how many fields are required
}

// typeCache memoizes reflection facts per type. Like encoding/json's caches it
// only ever grows with the set of types the program uses; it holds no
// request data.
type typeCache struct {
	structs     sync.Map // reflect.Type -> *structInfo
	marshaler   sync.Map // reflect.Type -> uint8 (1 value receiver, 2 pointer receiver, 0 none)
	unmarshaler sync.Map // reflect.Type -> uint8 (unmarshalerKind)
}

var types typeCache

var (
	marshalerType   = reflect.TypeFor[json.Marshaler]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	int64Type       = reflect.TypeFor[Int64]()
	bytesType       = reflect.TypeFor[Bytes]()
	float64Type     = reflect.TypeFor[Float64]()
)

// basicType reports whether t is a predeclared scalar type (no methods),
// cheaply, so the hot paths can skip method-set lookups.
func basicType(t reflect.Type) bool {
	switch t {
	case stringT, boolT, intT, int64T, float64T, anyT, mapStringAnyType, byteSliceT, stringSliceT, anySliceT:
		return true
	}
	return false
}

var (
	stringT      = reflect.TypeFor[string]()
	boolT        = reflect.TypeFor[bool]()
	intT         = reflect.TypeFor[int]()
	int64T       = reflect.TypeFor[int64]()
	float64T     = reflect.TypeFor[float64]()
	anyT         = reflect.TypeFor[any]()
	byteSliceT   = reflect.TypeFor[[]byte]()
	stringSliceT = reflect.TypeFor[[]string]()
	anySliceT    = reflect.TypeFor[[]any]()
)

// ownType reports whether t is one of this package's value types, which the
// encoder and decoder handle natively (their JSON methods call back in).
func ownType(t reflect.Type) bool { return t == int64Type || t == bytesType || t == float64Type }

// Marshaler kinds of a type (typeCache.marshalerKind): how the encoder
// encodes it besides by its reflect.Kind.
const (
	marshalNone      uint8 = iota
	marshalJSON            // t implements json.Marshaler
	marshalJSONPtr         // only *t implements json.Marshaler
	marshalConvex          // t implements ValueMarshaler
	marshalConvexPtr       // only *t implements ValueMarshaler
	marshalOptional        // t is an Optional
)

// marshalerKind returns t's marshal* constant. ValueMarshaler wins over
// json.Marshaler; Optional (which has MarshalJSON for encoding/json) is
// handled natively.
func (c *typeCache) marshalerKind(t reflect.Type) uint8 {
	if basicType(t) || t.Name() == "" || t.PkgPath() == "" || ownType(t) {
		return marshalNone
	}
	if k, ok := c.marshaler.Load(t); ok {
		return k.(uint8)
	}
	var k uint8
	pt := reflect.PointerTo(t)
	switch {
	case t.Kind() == reflect.Struct && t.Implements(optionalMarkerType):
		k = marshalOptional
	case t.Implements(valueMarshalerType):
		k = marshalConvex
	case pt.Implements(valueMarshalerType):
		k = marshalConvexPtr
	case t.Implements(marshalerType):
		k = marshalJSON
	case pt.Implements(marshalerType):
		k = marshalJSONPtr
	}
	c.marshaler.Store(t, k)
	return k
}

// Unmarshaler kinds of a type (typeCache.unmarshalerKind).
const (
	unmarshalNone     uint8 = iota
	unmarshalJSON           // *t implements json.Unmarshaler
	unmarshalConvex         // *t implements ValueUnmarshaler
	unmarshalOptional       // t is an Optional
)

// unmarshalerKind returns t's unmarshal* constant; ValueUnmarshaler wins
// over json.Unmarshaler, and Optional is handled natively.
func (c *typeCache) unmarshalerKind(t reflect.Type) uint8 {
	if basicType(t) || t.Name() == "" || t.PkgPath() == "" || ownType(t) {
		return unmarshalNone
	}
	if k, ok := c.unmarshaler.Load(t); ok {
		return k.(uint8)
	}
	var k uint8
	pt := reflect.PointerTo(t)
	switch {
	case t.Kind() == reflect.Struct && t.Implements(optionalMarkerType):
		k = unmarshalOptional
	case pt.Implements(valueUnmarshalerType):
		k = unmarshalConvex
	case pt.Implements(unmarshalerType):
		k = unmarshalJSON
	}
	c.unmarshaler.Store(t, k)
	return k
}

func (c *typeCache) structInfo(t reflect.Type) *structInfo {
	if si, ok := c.structs.Load(t); ok {
		return si.(*structInfo)
	}
	si := buildStructInfo(t)
	actual, _ := c.structs.LoadOrStore(t, si)
	return actual.(*structInfo)
}

func buildStructInfo(t reflect.Type) *structInfo {
	type cand struct {
		field
		depth  int
		tagged bool
	}
	var cands []cand
	// viaPtr: the field is reached through an embedded pointer, which stays
	// nil when none of its fields is present, so none of them is required.
	var walk func(t reflect.Type, index []int, depth int, viaPtr bool, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, viaPtr bool, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous && name == "" {
				ft := sf.Type
				ptr := ft.Kind() == reflect.Pointer
				if ptr {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx, depth+1, viaPtr || ptr, seen)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			f := field{name: name, index: idx, typ: sf.Type,
				omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
				omitZero:  strings.Contains(","+opts+",", ",omitzero,")}
			f.nameErr = checkFieldName([]byte(name))
			f.prefix = append(appendQuoted(nil, name), ':')
			f.marshal = types.marshalerKind(sf.Type)
			f.required = requiredField(f, viaPtr)
			f.decode = fastDecode(sf.Type)
			if f.marshal == marshalOptional {
				vt := sf.Type.Field(0).Type
				f.decode, f.inner, f.innerNil = decodeOptional, fastDecode(vt), nilable(vt)
			}
			cands = append(cands, cand{field: f, depth: depth, tagged: tagged})
		}
	}
	walk(t, nil, 0, false, map[reflect.Type]bool{})
	// Resolve name conflicts like encoding/json: shallowest wins, then a
	// tagged field; an unresolved tie drops the name.
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].name != cands[j].name {
			return cands[i].name < cands[j].name
		}
		if cands[i].depth != cands[j].depth {
			return cands[i].depth < cands[j].depth
		}
		return cands[i].tagged && !cands[j].tagged
	})
	si := &structInfo{byName: map[string]int{}}
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].name == cands[i].name {
			j++
		}
		dominant := j == i+1 || cands[i].depth < cands[i+1].depth ||
			(cands[i].tagged && !cands[i+1].tagged)
		if dominant {
			si.byName[cands[i].name] = len(si.fields)
			si.fields = append(si.fields, cands[i].field)
			if cands[i].required {
				si.required++
			}
		}
		i = j
	}
	return si
}

// fastDecode is the decode kind of a field of type t: string and float64,
// and named types of those kinds that decode no differently (no
// ValueUnmarshaler or json.Unmarshaler), such as the id and literal-union
// types convexgen writes, whose fields would otherwise cost a type-cache
// lookup each.
func fastDecode(t reflect.Type) uint8 {
	switch {
	case t == stringT, t.Kind() == reflect.String && types.unmarshalerKind(t) == unmarshalNone:
		return decodeString
	case t == float64T, t.Kind() == reflect.Float64 && types.unmarshalerKind(t) == unmarshalNone:
		return decodeFloat64
	}
	return decodeAny
}

// fieldForKey finds the struct field for an object key: exact match first,
// then case-insensitive like encoding/json.
func (si *structInfo) fieldForKey(key []byte) (*field, bool) {
	if i, ok := si.byName[string(key)]; ok {
		return &si.fields[i], true
	}
	for i := range si.fields {
		if strings.EqualFold(si.fields[i].name, string(key)) {
			return &si.fields[i], true
		}
	}
	return nil, false
}
