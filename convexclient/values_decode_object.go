package convexclient

import (
	"reflect"
	"strconv"
)

// array decodes a JSON array into a slice or array (extra elements of a
// fixed-size array are validated and dropped, missing ones zeroed).
func (d *decoder) array(v reflect.Value) error {
	d.pos++
	if err := d.enter(); err != nil {
		return err
	}
	t := v.Type()
	k := t.Kind()
	if k != reflect.Slice && k != reflect.Array {
		return typeErr("an array", t)
	}
	if k == reflect.Slice {
		if v.IsNil() {
			v.Set(reflect.MakeSlice(t, 0, 4))
		} else {
			v.SetLen(0)
		}
	}
	d.skipWS()
	i := 0
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
	} else {
		for {
			d.skipWS()
			var err error
			switch {
			case k == reflect.Slice:
				if i >= v.Cap() {
					v.Grow(1)
				}
				v.SetLen(i + 1)
				e := v.Index(i)
				e.SetZero()
				err = d.value(e)
			case i < v.Len():
				err = d.value(v.Index(i))
			default:
				err = d.skip()
			}
			if err != nil {
				return atIndex(err, i)
			}
			i++
			d.skipWS()
			if d.pos < len(d.data) && d.data[d.pos] == ',' {
				d.pos++
				continue
			}
			if err := d.expect(']'); err != nil {
				return err
			}
			break
		}
	}
	if k == reflect.Array {
		for ; i < v.Len(); i++ {
			v.Index(i).SetZero()
		}
	}
	d.leave()
	return nil
}

// objectKey reads the next key of an ordinary object and validates it.
func (d *decoder) objectKey() ([]byte, error) {
	d.skipWS()
	key, err := d.readString()
	if err != nil {
		return nil, err
	}
	if err := checkFieldName(key); err != nil {
		return nil, err
	}
	return key, nil
}

// objectNext consumes ',' (returns true) or '}' (returns false).
func (d *decoder) objectNext() (bool, error) {
	d.skipWS()
	if d.pos < len(d.data) && d.data[d.pos] == ',' {
		d.pos++
		return true, nil
	}
	return false, d.expect('}')
}

func (d *decoder) object(v reflect.Value) error {
	d.pos++
	if err := d.enter(); err != nil {
		return err
	}
	t := v.Type()
	d.skipWS()
	empty := d.pos < len(d.data) && d.data[d.pos] == '}'
	var key []byte
	if empty {
		d.pos++
	} else {
		var err error
		if key, err = d.readString(); err != nil {
			return err
		}
		if len(key) > 0 && key[0] == '$' {
			sp, err := d.readSpecial(key)
			if err != nil {
				return err
			}
			d.leave()
			return d.setSpecial(v, sp)
		}
		if err := checkFieldName(key); err != nil {
			return err
		}
	}
	var err error
	switch t.Kind() {
	case reflect.Struct:
		if !empty {
			err = d.structFields(v, key)
		} else if si := types.structInfo(t); si.required > 0 && !d.partial {
			var seen fieldSet
			err = seen.missing(si, t)
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return typeErr("an object", t)
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		if !empty {
			err = d.mapEntries(v, key)
		}
	default:
		return typeErr("an object", t)
	}
	if err != nil {
		return err
	}
	d.leave()
	return nil
}

func (d *decoder) structFields(v reflect.Value, key []byte) error {
	si := types.structInfo(v.Type())
	var seen fieldSet
	next := 0 // si.fields and the backend's keys are both sorted bytewise
	for {
		if err := d.expect(':'); err != nil {
			return err
		}
		d.skipWS()
		var f *field
		ok := next < len(si.fields) && si.fields[next].name == string(key)
		if ok {
			f = &si.fields[next]
			next++
		} else if d.exact {
			var i int
			if i, ok = si.byName[string(key)]; ok {
				f, next = &si.fields[i], i+1
			}
		} else if f, ok = si.fieldForKey(key); ok {
			next = si.byName[f.name] + 1 // f.name is exact even when key matched by case
		}
		if ok {
			seen.add(si, next-1)
			fv := v
			for n, i := range f.index {
				if n > 0 && fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						if !fv.CanSet() {
							return valueErr("cannot set embedded pointer to unexported struct " + fv.Type().String())
						}
						fv.Set(reflect.New(fv.Type().Elem()))
					}
					fv = fv.Elem()
				}
				fv = fv.Field(i)
			}
			if err := d.fieldValue(fv, f); err != nil {
				return atKey(err, f.name)
			}
		} else {
			name := ""
			if len(key) <= 64 {
				name = string(key)
			}
			if d.exact {
				return valueErr("field " + strconv.Quote(name) + " is not in " + v.Type().String())
			}
			if err := d.skip(); err != nil {
				return atKey(err, name)
			}
		}
		more, err := d.objectNext()
		if err != nil {
			return err
		}
		if !more {
			if d.partial {
				return nil
			}
			return seen.missing(si, v.Type())
		}
		if key, err = d.objectKey(); err != nil {
			return err
		}
	}
}

func (d *decoder) mapEntries(v reflect.Value, key []byte) error {
	t := v.Type()
	if t == mapStringAnyType {
		return d.dynamicEntries(v.Interface().(map[string]any), key)
	}
	et := t.Elem()
	kt := t.Key()
	for {
		kv := reflect.ValueOf(string(key))
		if kt != kv.Type() {
			kv = kv.Convert(kt)
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		d.skipWS()
		ev := reflect.New(et).Elem()
		if err := d.value(ev); err != nil {
			return atKey(err, kv.String())
		}
		v.SetMapIndex(kv, ev)
		more, err := d.objectNext()
		if err != nil || !more {
			return err
		}
		if key, err = d.objectKey(); err != nil {
			return err
		}
	}
}

// dynamicEntries decodes the members of an object, whose first key has been
// read, into m.
func (d *decoder) dynamicEntries(m map[string]any, key []byte) error {
	for {
		k := string(key)
		if err := d.expect(':'); err != nil {
			return err
		}
		d.skipWS()
		x, err := d.dynamic()
		if err != nil {
			return atKey(err, k)
		}
		m[k] = x
		more, err := d.objectNext()
		if err != nil || !more {
			return err
		}
		if key, err = d.objectKey(); err != nil {
			return err
		}
	}
}

// fieldValue is value for struct field f, v. An Optional is set without a
// type-cache lookup (as custom would set it).
func (d *decoder) fieldValue(v reflect.Value, f *field) error {
	if f.decode != decodeOptional {
		return d.fieldValueKind(v, f.decode)
	}
	if d.pos < len(d.data) && d.data[d.pos] == 'n' && !f.innerNil {
		if d.exact {
			return typeErr("null", v.Type())
		}
		if err := d.literal("null"); err != nil {
			return err
		}
		v.SetZero()
		return nil
	}
	if err := d.fieldValueKind(v.Field(0), f.inner); err != nil {
		return err
	}
	v.Field(1).SetBool(true)
	return nil
}

// fieldValueKind is value, taking the fast path of a plain string or
// float64 (kind) when the JSON has the expected form (anything else, e.g. a
// {"$float":...} special object, goes through value).
func (d *decoder) fieldValueKind(v reflect.Value, kind uint8) error {
	if d.pos < len(d.data) {
		switch c := d.data[d.pos]; {
		case kind == decodeString && c == '"':
			q := d.pos
			s, err := d.readString()
			if err != nil {
				return err
			}
			v.SetString(d.stringAt(q, s))
			return nil
		case kind == decodeFloat64 && (c == '-' || c >= '0' && c <= '9'):
			f, err := d.readNumber()
			if err != nil {
				return err
			}
			v.SetFloat(f)
			return nil
		}
	}
	return d.value(v)
}
