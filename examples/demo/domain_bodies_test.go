package demo

import (
	"maps"
	"reflect"
	"testing"

	"github.com/convexgw/convexgw/routes"
)

// TestBodiesAccept: a valid body of every type passes its spec and rules.
func TestBodiesAccept(t *testing.T) {
	id := "k57a4bn1x0v8yr0kfr5wd8y8hs6v0sw2"
	check := func(name string, errs routes.FieldErrors) {
		t.Helper()
		if errs != nil {
			t.Errorf("%s: %v", name, errs)
		}
	}
	_, e := decodeBody[TasksCreateArgs](false, []byte(`{"title":"a","priority":"low"}`))
	check("TasksCreateArgs", e)
	_, e = decodeBody[TasksUpdateArgs](true, []byte(`{"status":"in progress"}`))
	check("TasksUpdateArgs", e)
	_, e = decodeBody[BeneficiariesCreateArgs](false, []byte(`{"fullName":"a","phone":"","status":"inactive"}`))
	check("BeneficiariesCreateArgs", e)
	_, e = decodeBody[BeneficiariesUpdateArgs](true, []byte(`{"notes":"n"}`))
	check("BeneficiariesUpdateArgs", e)
	_, e = decodeBody[DonationsCreateArgs](false, []byte(`{"donorName":"a","amount":1,"currency":"EUR","method":"cash","beneficiaryId":"`+id+`","receivedAt":5}`))
	check("DonationsCreateArgs", e)
	_, e = decodeBody[DonationsUpdateArgs](true, []byte(`{"currency":"USD"}`))
	check("DonationsUpdateArgs", e)
	_, e = decodeBody[MeetingsUpdateArgs](true, []byte(`{"startsAt":1,"endsAt":2,"attendeeIds":[]}`))
	check("MeetingsUpdateArgs", e)
	_, e = decodeBody[MeetingsCreateArgs](false, []byte(`{"title":"m","startsAt":1,"endsAt":2,"attendeeIds":["`+id+`"],"status":"scheduled"}`))
	check("MeetingsCreateArgs", e)
}

// TestBodiesRefuse: the contract's rules, with its messages.
func TestBodiesRefuse(t *testing.T) {
	cases := []struct {
		name string
		errs routes.FieldErrors
		want map[string]string
	}{
		{"BeneficiariesUpdateArgs", second(decodeBody[BeneficiariesUpdateArgs](true, []byte(`{"fullName":" ","city":"","status":"x"}`))),
			map[string]string{"fullName": "fullName must not be empty", "status": "must be one of: active, inactive"}},
		{"DonationsUpdateArgs", second(decodeBody[DonationsUpdateArgs](true, []byte(`{"amount":0,"method":"gold","beneficiaryId":""}`))),
			map[string]string{"amount": "amount must be a positive number", "method": "must be one of: cash, bank, card", "beneficiaryId": "must be a document id"}},
		{"MeetingsUpdateArgs", second(decodeBody[MeetingsUpdateArgs](true, []byte(`{"startsAt":3,"endsAt":2,"status":"done"}`))),
			map[string]string{"endsAt": "endsAt must be after startsAt", "status": "must be one of: scheduled, completed, cancelled"}},
		{"MeetingsCreateArgs", second(decodeBody[MeetingsCreateArgs](false, []byte(`{"title":"","startsAt":1,"endsAt":2,"attendeeIds":["a b"]}`))),
			map[string]string{"title": "title must not be empty", "attendeeIds": "attendeeIds must contain document ids"}},
		{"MeetingsCreateArgs types", second(decodeBody[MeetingsCreateArgs](false, []byte(`{"title":"","startsAt":"1","endsAt":2,"location":7}`))),
			map[string]string{"startsAt": "must be a number", "location": "must be a string", "attendeeIds": "is required"}},
		{"TasksCreateArgs", second(decodeBody[TasksCreateArgs](false, []byte(`{"title":" ","priority":"urgent","owner":"x"}`))),
			map[string]string{"title": "title must not be empty", "priority": "must be one of: low, medium, high", "owner": "unknown field"}},
		{"TasksUpdateArgs", second(decodeBody[TasksUpdateArgs](true, []byte(`{"id":"x","status":"done"}`))),
			map[string]string{"id": "unknown field", "status": "must be one of: pending, in progress, completed, cancelled"}},
	}
	for _, tc := range cases {
		if !maps.Equal(map[string]string(tc.errs), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.errs, tc.want)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }

// decodeBody decodes body into a T with the routes' body rules.
func decodeBody[T any](nonEmpty bool, body []byte) (reflect.Value, routes.FieldErrors) {
	path := ""
	if nonEmpty {
		path = "id" // a patch: the id comes from the URL, as Resource does
	}
	spec, err := routes.NewBodySpec(reflect.TypeFor[T](), nonEmpty, path)
	if err != nil {
		panic(err)
	}
	return spec.Decode(body)
}

func TestDecodeDonationRules(t *testing.T) {
	_, errs := decodeBody[DonationsCreateArgs](false, []byte(`{"donorName":"A","amount":0,"currency":"eur","method":"wire","beneficiaryId":"a b","receivedAt":1.5e3}`))
	want := map[string]string{"amount": "amount must be a positive number",
		"currency": "currency must be a 3-letter uppercase code", "method": "must be one of: cash, bank, card",
		"beneficiaryId": "must be a document id"}
	if !maps.Equal(map[string]string(errs), want) {
		t.Fatalf("errors = %v, want %v", errs, want)
	}
	v, errs := decodeBody[DonationsCreateArgs](false, []byte(`{"donorName":"A","amount":12.5,"currency":"EUR","method":"bank"}`))
	if got, _ := v.Interface().(*DonationsCreateArgs); errs != nil || got.Amount != 12.5 || got.ReceivedAt.Set {
		t.Fatalf("got %+v, %v", got, errs)
	}
}
