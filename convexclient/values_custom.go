package convexclient

import "reflect"

// The encoder's and decoder's handling of Optional and of the
// ValueMarshaler/ValueUnmarshaler interfaces (the types generated unions
// implement).

// convexValue encodes v whose marshalerKind mk is marshalOptional,
// marshalConvex or marshalConvexPtr. done is false when v is not
// addressable and only *T implements ValueMarshaler: v is then encoded by
// its kind, as encoding/json does.
func (e *encoder) convexValue(v reflect.Value, mk uint8) (done bool, err error) {
	switch mk {
	case marshalOptional:
		if !v.Field(1).Bool() {
			return true, valueErr("unset Optional outside an object field (only a field can be absent)")
		}
		return true, e.value(v.Field(0))
	case marshalConvexPtr:
		if !v.CanAddr() {
			return false, nil
		}
		v = v.Addr()
	}
	x, err := v.Interface().(ValueMarshaler).ConvexValue()
	if err != nil {
		if ve, ok := err.(*ValueError); ok {
			return true, ve
		}
		return true, &ValueError{Reason: "ConvexValue: " + err.Error(), err: err}
	}
	if err := e.enter(); err != nil {
		return true, err
	}
	if err := e.value(reflect.ValueOf(x)); err != nil {
		return true, err
	}
	e.depth--
	return true, nil
}

// custom decodes the value at pos into v whose unmarshalerKind uk is not
// unmarshalNone; v is addressable.
func (d *decoder) custom(v reflect.Value, uk uint8) error {
	if uk == unmarshalOptional {
		if d.data[d.pos] == 'n' && !nilable(v.Type().Field(0).Type) {
			if d.exact {
				return typeErr("null", v.Type())
			}
			if err := d.literal("null"); err != nil {
				return err
			}
			v.SetZero()
			return nil
		}
		if err := d.value(v.Field(0)); err != nil {
			return err
		}
		v.Field(1).SetBool(true)
		return nil
	}
	start := d.pos
	if err := d.skip(); err != nil {
		return err
	}
	raw := d.data[start:d.pos]
	var err error
	if uk == unmarshalConvex {
		err = v.Addr().Interface().(ValueUnmarshaler).UnmarshalConvex(raw)
		if ve, ok := err.(*ValueError); ok {
			return ve
		}
	} else {
		err = v.Addr().Interface().(interface{ UnmarshalJSON([]byte) error }).UnmarshalJSON(raw)
	}
	if err != nil {
		return &ValueError{Reason: err.Error(), err: err}
	}
	return nil
}
