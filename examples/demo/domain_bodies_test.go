package routes

import (
	"maps"
	"testing"
)

// TestBodiesAccept: a valid body of every type passes its spec and rules.
func TestBodiesAccept(t *testing.T) {
	id := "k57a4bn1x0v8yr0kfr5wd8y8hs6v0sw2"
	check := func(name string, errs fieldErrors) {
		t.Helper()
		if errs != nil {
			t.Errorf("%s: %v", name, errs)
		}
	}
	_, e := newBodySpec[TaskCreate](false).decode([]byte(`{"title":"a","priority":"low"}`))
	check("TaskCreate", e)
	_, e = newBodySpec[TaskPatch](true).decode([]byte(`{"status":"in progress"}`))
	check("TaskPatch", e)
	_, e = newBodySpec[BeneficiaryCreate](false).decode([]byte(`{"fullName":"a","phone":"","status":"inactive"}`))
	check("BeneficiaryCreate", e)
	_, e = newBodySpec[BeneficiaryPatch](true).decode([]byte(`{"notes":"n"}`))
	check("BeneficiaryPatch", e)
	_, e = newBodySpec[DonationCreate](false).decode([]byte(`{"donorName":"a","amount":1,"currency":"EUR","method":"cash","beneficiaryId":"` + id + `","receivedAt":5}`))
	check("DonationCreate", e)
	_, e = newBodySpec[DonationPatch](true).decode([]byte(`{"currency":"USD"}`))
	check("DonationPatch", e)
	_, e = newBodySpec[MeetingPatch](true).decode([]byte(`{"startsAt":1,"endsAt":2,"attendeeIds":[]}`))
	check("MeetingPatch", e)
}

// TestBodiesRefuse: the contract's rules, with its messages.
func TestBodiesRefuse(t *testing.T) {
	cases := []struct {
		name string
		errs fieldErrors
		want map[string]string
	}{
		{"BeneficiaryPatch", second(newBodySpec[BeneficiaryPatch](true).decode([]byte(`{"fullName":" ","city":"","status":"x"}`))),
			map[string]string{"fullName": "fullName must not be empty", "status": "must be one of: active, inactive"}},
		{"DonationPatch", second(newBodySpec[DonationPatch](true).decode([]byte(`{"amount":0,"method":"gold","beneficiaryId":""}`))),
			map[string]string{"amount": "amount must be a positive number", "method": "must be one of: cash, bank, card", "beneficiaryId": "must be a document id"}},
		{"MeetingPatch", second(newBodySpec[MeetingPatch](true).decode([]byte(`{"startsAt":3,"endsAt":2,"status":"done"}`))),
			map[string]string{"endsAt": "endsAt must be after startsAt", "status": "must be one of: scheduled, completed, cancelled"}},
	}
	for _, tc := range cases {
		if !maps.Equal(map[string]string(tc.errs), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.errs, tc.want)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }
