package convexclient

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type strictTask struct {
	ID       string  `json:"_id"`
	Title    string  `json:"title"`
	DueAt    float64 `json:"dueAt"`
	Note     *string `json:"note"`
	Tag      string  `json:"tag,omitempty"`
	Color    string  `json:"color,omitzero"`
	Priority Optional[int64]
	Extra    any `json:"extra"`
}

type strictBase struct {
	Owner string `json:"owner"`
}

type strictEmbedded struct {
	*strictBase        // fields reached through a nil-able pointer: never required
	Name        string `json:"name"`
}

func TestUnmarshalRequiresFields(t *testing.T) {
	full := `{"_id":"t1","dueAt":5,"extra":null,"title":"x"}`
	cases := []struct {
		name, in string
		into     any
		missing  string // "" means it decodes
	}{
		{"all required present", full, new(strictTask), ""},
		{"dueAt missing", `{"_id":"t1","extra":1,"title":"x"}`, new(strictTask), "dueAt"},
		{"extra (any) missing", `{"_id":"t1","dueAt":5,"title":"x"}`, new(strictTask), "extra"},
		{"empty object", `{}`, new(strictTask), "_id"},
		{"in a list, with its index", `[` + full + `,{"_id":"t2","extra":1,"title":"y"}]`, new([]strictTask), "dueAt"},
		{"nested in a map", `{"a":{"_id":"t1","dueAt":1,"title":"x"}}`, new(map[string]strictTask), "extra"},
		{"keys matched by letter case count", `{"_ID":"t1","DUEAT":5,"extra":1,"Title":"x"}`, new(strictTask), ""},
		{"duplicate keys count once", `{"_id":"a","_id":"b","dueAt":1,"extra":1}`, new(strictTask), "title"},
		{"embedded pointer fields are optional", `{"name":"n"}`, new(strictEmbedded), ""},
		{"empty struct", `{}`, new(struct{}), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Unmarshal([]byte(tc.in), tc.into)
			if tc.missing == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			want := fmt.Sprintf("field %q missing", tc.missing)
			if !errors.Is(err, ErrInvalidValue) || err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v, want one containing %s", err, want)
			}
			// UnmarshalPartial accepts what Unmarshal refuses.
			if err := UnmarshalPartial([]byte(tc.in), tc.into); err != nil {
				t.Fatalf("UnmarshalPartial: %v", err)
			}
		})
	}
	var list []strictTask
	err := Unmarshal([]byte(`[`+full+`,{"_id":"t2","extra":1,"title":"y"}]`), &list)
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Path != "[1]" {
		t.Fatalf("err = %v, want path [1]", err)
	}
}

// TestUnmarshalRequiresFieldsOfWideStructs covers structs of more than 64
// fields, whose seen-set spills out of the bit mask.
func TestUnmarshalRequiresFieldsOfWideStructs(t *testing.T) {
	fields := make([]reflect.StructField, 70)
	var obj strings.Builder
	obj.WriteString("{")
	for i := range fields {
		name := fmt.Sprintf("f%02d", i)
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%02d", i), Type: reflect.TypeFor[float64](), Tag: reflect.StructTag(`json:"` + name + `"`)}
		if i != 66 {
			if obj.Len() > 1 {
				obj.WriteString(",")
			}
			fmt.Fprintf(&obj, "%q:%d", name, i)
		}
	}
	obj.WriteString("}")
	v := reflect.New(reflect.StructOf(fields))
	err := Unmarshal([]byte(obj.String()), v.Interface())
	if err == nil || !strings.Contains(err.Error(), `field "f66" missing`) {
		t.Fatalf("err = %v", err)
	}
	full := strings.Replace(obj.String(), "}", `,"f66":1}`, 1)
	if err := Unmarshal([]byte(full), v.Interface()); err != nil {
		t.Fatal(err)
	}
}

// TestBindingResultMissingField is the call-site contract: a result that
// lacks a required field fails the call, naming the function and the field.
func TestBindingResultMissingField(t *testing.T) {
	type task struct {
		ID    string  `json:"_id"`
		DueAt float64 `json:"dueAt"`
	}
	hs := setup(t, reply(200, `{"status":"success","value":[{"_id":"t1"}]}`))
	list := NewQuery[struct{}, []task](nil, "tasks:list")
	_, err := list.Call(context.Background(), hs.c, struct{}{})
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "convexclient: tasks:list: result does not decode:") ||
		!strings.Contains(err.Error(), `field "dueAt" missing`) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnmarshalExact(t *testing.T) {
	type obj struct {
		A string `json:"a"`
	}
	cases := []struct {
		name, in string
		into     any
		ok       bool
	}{
		{"same fields", `{"a":"x"}`, new(obj), true},
		{"unknown field", `{"a":"x","b":1}`, new(obj), false},
		{"letter case", `{"A":"x"}`, new(obj), false},
		{"number into float", `1.5`, new(float64), true},
		{"int64 into float", `{"$integer":"AQAAAAAAAAA="}`, new(float64), false},
		{"number into int64", `1`, new(int64), false},
		{"int64 into int64", `{"$integer":"AQAAAAAAAAA="}`, new(int64), true},
		{"int64 into int", `{"$integer":"AQAAAAAAAAA="}`, new(int), false},
		{"null into string", `null`, new(string), false},
		{"null into pointer", `null`, new(*string), true},
		{"null into slice", `null`, new([]string), true},
		{"array into bytes", `[1,2]`, new([]byte), false},
		{"bytes into bytes", `{"$bytes":"AQI="}`, new([]byte), true},
		{"null into an Optional field", `{"o":null}`, new(struct {
			O Optional[string] `json:"o,omitzero"`
		}), false},
		{"null into an Optional", `null`, new(Optional[string]), false},
		{"null into an Optional pointer", `{"o":null}`, new(struct {
			O Optional[*string] `json:"o,omitzero"`
		}), true},
	}
	for _, tc := range cases {
		err := UnmarshalExact([]byte(tc.in), tc.into)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidValue) {
			t.Errorf("%s: err = %v does not match ErrInvalidValue", tc.name, err)
		}
	}
	for _, f := range []func([]byte, any) error{UnmarshalExact, UnmarshalPartial} {
		if err := f([]byte(`1`), 1); err == nil {
			t.Error("a non-pointer was accepted")
		}
	}
}

func TestErrorDataIsPartial(t *testing.T) {
	fe := &FunctionError{Path: "tasks:get", Data: []byte(`{"code":"NOT_FOUND"}`)}
	var d struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if err := fe.DecodeData(&d); err != nil || d.Code != "NOT_FOUND" {
		t.Fatalf("DecodeData: %v %+v", err, d)
	}
	if got, ok := ErrorData[struct {
		Code  string `json:"code"`
		Field string `json:"field"`
	}](fmt.Errorf("wrapped: %w", fe)); !ok || got.Code != "NOT_FOUND" {
		t.Fatalf("ErrorData: %v %+v", ok, got)
	}
}
