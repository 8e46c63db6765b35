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
	_, e := decodeBody[TaskCreate](false, []byte(`{"title":"a","priority":"low"}`))
	check("TaskCreate", e)
	_, e = decodeBody[TaskPatch](true, []byte(`{"status":"in progress"}`))
	check("TaskPatch", e)
	_, e = decodeBody[BeneficiaryCreate](false, []byte(`{"fullName":"a","phone":"","status":"inactive"}`))
	check("BeneficiaryCreate", e)
	_, e = decodeBody[BeneficiaryPatch](true, []byte(`{"notes":"n"}`))
	check("BeneficiaryPatch", e)
	_, e = decodeBody[DonationCreate](false, []byte(`{"donorName":"a","amount":1,"currency":"EUR","method":"cash","beneficiaryId":"`+id+`","receivedAt":5}`))
	check("DonationCreate", e)
	_, e = decodeBody[DonationPatch](true, []byte(`{"currency":"USD"}`))
	check("DonationPatch", e)
	_, e = decodeBody[MeetingPatch](true, []byte(`{"startsAt":1,"endsAt":2,"attendeeIds":[]}`))
	check("MeetingPatch", e)
}

// TestBodiesRefuse: the contract's rules, with its messages.
func TestBodiesRefuse(t *testing.T) {
	cases := []struct {
		name string
		errs routes.FieldErrors
		want map[string]string
	}{
		{"BeneficiaryPatch", second(decodeBody[BeneficiaryPatch](true, []byte(`{"fullName":" ","city":"","status":"x"}`))),
			map[string]string{"fullName": "fullName must not be empty", "status": "must be one of: active, inactive"}},
		{"DonationPatch", second(decodeBody[DonationPatch](true, []byte(`{"amount":0,"method":"gold","beneficiaryId":""}`))),
			map[string]string{"amount": "amount must be a positive number", "method": "must be one of: cash, bank, card", "beneficiaryId": "must be a document id"}},
		{"MeetingPatch", second(decodeBody[MeetingPatch](true, []byte(`{"startsAt":3,"endsAt":2,"status":"done"}`))),
			map[string]string{"endsAt": "endsAt must be after startsAt", "status": "must be one of: scheduled, completed, cancelled"}},
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
	spec, err := routes.NewBodySpec(reflect.TypeFor[T](), nonEmpty, "")
	if err != nil {
		panic(err)
	}
	return spec.Decode(body)
}

func TestDecodeDonationRules(t *testing.T) {
	_, errs := decodeBody[DonationCreate](false, []byte(`{"donorName":"A","amount":0,"currency":"eur","method":"wire","beneficiaryId":"a b","receivedAt":1.5e3}`))
	want := map[string]string{"amount": "amount must be a positive number",
		"currency": "currency must be a 3-letter uppercase code", "method": "must be one of: cash, bank, card",
		"beneficiaryId": "must be a document id"}
	if !maps.Equal(map[string]string(errs), want) {
		t.Fatalf("errors = %v, want %v", errs, want)
	}
	v, errs := decodeBody[DonationCreate](false, []byte(`{"donorName":"A","amount":12.5,"currency":"EUR","method":"bank"}`))
	if got, _ := v.Interface().(*DonationCreate); errs != nil || got.Amount != 12.5 || got.ReceivedAt != nil {
		t.Fatalf("got %+v, %v", got, errs)
	}
}
