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
	nameErr   error  // non-nil when name is not a valid Convex field name
	prefix    []byte // `"name":`, escaped
	marshal   uint8  // types.marshalerKind of the field's type
	decode    uint8  // decodeString or decodeFloat64: the decoder's fast paths
}

// Fast decode paths of a field (field.decode): exactly string or float64,
// which decoder.value would handle the same way, minus its type checks.
const (
	decodeAny uint8 = iota
	decodeString
	decodeFloat64
)

// structInfo is the cached field layout of a struct type.
type structInfo struct {
	fields []field        // sorted bytewise by name
	byName map[string]int // exact name -> index into fields
}

// typeCache memoizes reflection facts per type. Like encoding/json's caches it
// only ever grows with the set of types the program uses; it holds no
// request data.
type typeCache struct {
	structs     sync.Map // reflect.Type -> *structInfo
	marshaler   sync.Map // reflect.Type -> uint8 (1 value receiver, 2 pointer receiver, 0 none)
	unmarshaler sync.Map // reflect.Type -> bool
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

// marshalerKind: 0 none, 1 t implements json.Marshaler, 2 only *t does.
func (c *typeCache) marshalerKind(t reflect.Type) uint8 {
	if basicType(t) || t.Name() == "" || t.PkgPath() == "" || ownType(t) {
		return 0
	}
	if k, ok := c.marshaler.Load(t); ok {
		return k.(uint8)
	}
	var k uint8
	switch {
	case t.Implements(marshalerType):
		k = 1
	case reflect.PointerTo(t).Implements(marshalerType):
		k = 2
	}
	c.marshaler.Store(t, k)
	return k
}

// hasUnmarshaler reports whether *t implements json.Unmarshaler.
func (c *typeCache) hasUnmarshaler(t reflect.Type) bool {
	if basicType(t) || t.Name() == "" || t.PkgPath() == "" || ownType(t) {
		return false
	}
	if k, ok := c.unmarshaler.Load(t); ok {
		return k.(bool)
	}
	k := reflect.PointerTo(t).Implements(unmarshalerType)
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
	var walk func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, seen map[reflect.Type]bool) {
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
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx, depth+1, seen)
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
			f := field{name: name, index: idx, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")}
			f.nameErr = checkFieldName([]byte(name))
			f.prefix = append(appendQuoted(nil, name), ':')
			f.marshal = types.marshalerKind(sf.Type)
			switch sf.Type {
			case stringT:
				f.decode = decodeString
			case float64T:
				f.decode = decodeFloat64
			}
			cands = append(cands, cand{field: f, depth: depth, tagged: tagged})
		}
	}
	walk(t, nil, 0, map[reflect.Type]bool{})
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
		}
		i = j
	}
	return si
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
