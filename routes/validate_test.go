package routes

import (
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

type decodeCase struct {
	name string
	body string
	want map[string]string // nil: success
}

var meetingCases = []decodeCase{
	{"ok", `{"title":"Board","startsAt":1,"endsAt":2,"attendeeIds":["k57a4bn1x0v8yr0kfr5wd8y8hs6v0sw2"]}`, nil},
	{"ok with optionals", `{"title":"B","startsAt":1,"endsAt":2,"attendeeIds":[],"location":"HQ","status":"completed","notes":""}`, nil},
	{"null optional is absent", `{"title":"B","startsAt":1,"endsAt":2,"attendeeIds":[],"location":null}`, nil},
	{"empty body", ``, map[string]string{"body": "must be a JSON object"}},
	{"array body", `[1]`, map[string]string{"body": "must be a JSON object"}},
	{"malformed", `{"title":`, map[string]string{"body": "malformed JSON"}},
	{"trailing garbage", `{"title":"x"} x`, map[string]string{"body": "malformed JSON"}},
	{"missing all", `{}`, map[string]string{"title": "is required", "startsAt": "is required",
		"endsAt": "is required", "attendeeIds": "is required"}},
	{"unknown and wrong types", `{"title":5,"startsAt":"x","endsAt":2,"attendeeIds":[1],"bogus":true}`,
		map[string]string{"title": "must be a string", "startsAt": "must be a number",
			"attendeeIds": "must be an array of strings", "bogus": "unknown field"}},
	{"null required", `{"title":null,"startsAt":1,"endsAt":2,"attendeeIds":[]}`, map[string]string{"title": "is required"}},
	{"rules", `{"title":"  ","startsAt":5,"endsAt":5,"attendeeIds":["../x"],"status":"maybe"}`,
		map[string]string{"title": "title must not be empty", "endsAt": "endsAt must be after startsAt",
			"attendeeIds": "attendeeIds must contain document ids",
			"status":      "must be one of: scheduled, completed, cancelled"}},
	{"case matters", `{"Title":"B","startsAt":1,"endsAt":2,"attendeeIds":[]}`,
		map[string]string{"Title": "unknown field", "title": "is required"}},
}

func TestDecodeMeetingCreate(t *testing.T) {
	spec := newBodySpec[MeetingCreate](false)
	for _, tc := range meetingCases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := spec.decode([]byte(tc.body))
			if !maps.Equal(map[string]string(errs), tc.want) {
				t.Fatalf("errors = %v, want %v", errs, tc.want)
			}
			if tc.want == nil && got.Title == "" {
				t.Fatalf("decoded nothing: %+v", got)
			}
		})
	}
}

func TestDecodePatch(t *testing.T) {
	spec := newBodySpec[TaskPatch](true)
	cases := []decodeCase{
		{"one field", `{"status":"completed"}`, nil},
		{"empty patch", `{}`, map[string]string{"body": "must set at least one field"}},
		{"all null is empty", `{"title":null}`, map[string]string{"body": "must set at least one field"}},
		{"id is not a body field", `{"id":"abc","title":"x"}`, map[string]string{"id": "unknown field"}},
		{"bad enum", `{"priority":"urgent"}`, map[string]string{"priority": "must be one of: low, medium, high"}},
		{"blank title", `{"title":"\u00a0\ufeff"}`, map[string]string{"title": "title must not be empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := spec.decode([]byte(tc.body))
			if !maps.Equal(map[string]string(errs), tc.want) {
				t.Fatalf("errors = %v, want %v", errs, tc.want)
			}
			if tc.want == nil {
				spec.setPathID(&got, "abc")
				if got.ID != "abc" || got.Status == nil || *got.Status != "completed" {
					t.Fatalf("got %+v", got)
				}
			}
		})
	}
}

func TestDecodeDonationRules(t *testing.T) {
	spec := newBodySpec[DonationCreate](false)
	_, errs := spec.decode([]byte(`{"donorName":"A","amount":0,"currency":"eur","method":"wire","beneficiaryId":"a b","receivedAt":1.5e3}`))
	want := map[string]string{"amount": "amount must be a positive number",
		"currency": "currency must be a 3-letter uppercase code", "method": "must be one of: cash, bank, card",
		"beneficiaryId": "must be a document id"}
	if !maps.Equal(map[string]string(errs), want) {
		t.Fatalf("errors = %v, want %v", errs, want)
	}
	got, errs := spec.decode([]byte(`{"donorName":"A","amount":12.5,"currency":"EUR","method":"bank"}`))
	if errs != nil || got.Amount != 12.5 || got.ReceivedAt != nil {
		t.Fatalf("got %+v, %v", got, errs)
	}
}

func TestDecodeBoundsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{`)
	for i := range 50 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"x` + strconv.Itoa(i) + `":1`)
	}
	b.WriteString(`}`)
	_, errs := newBodySpec[TaskCreate](false).decode([]byte(b.String()))
	if len(errs) != maxFieldErrors {
		t.Fatalf("%d errors, want the cap %d", len(errs), maxFieldErrors)
	}
	_, errs = newBodySpec[TaskCreate](false).decode([]byte(`{"` + strings.Repeat("é", 100) + `":1}`))
	for k := range errs {
		if len(k) > maxEchoedKeyLen || !utf8.ValidString(k) {
			t.Fatalf("echoed key %q", k)
		}
	}
}

func TestNewBodySpecPanicsOnNonStruct(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	newBodySpec[string](false)
}

// FuzzDecodeBody checks that the decoder never panics, that its error maps
// stay bounded, and that what it accepts survives a JSON round trip.
func FuzzDecodeBody(f *testing.F) {
	for _, tc := range meetingCases {
		f.Add([]byte(tc.body))
	}
	f.Add([]byte(`{"title":"x","startsAt":1e308,"endsAt":-1e308,"attendeeIds":null}`))
	f.Add([]byte(`{"title":"\ud800","startsAt":1,"endsAt":2,"attendeeIds":["a"],"title":"y"}`))
	spec := newBodySpec[MeetingCreate](false)
	f.Fuzz(func(t *testing.T, body []byte) {
		got, errs := spec.decode(body)
		if len(errs) > maxFieldErrors {
			t.Fatalf("%d errors", len(errs))
		}
		if errs != nil {
			return
		}
		enc, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("accepted value does not encode: %v", err)
		}
		again, errs := spec.decode(enc)
		if errs != nil {
			t.Fatalf("re-decoding %s: %v", enc, errs)
		}
		enc2, _ := json.Marshal(again)
		if string(enc) != string(enc2) {
			t.Fatalf("round trip changed %s to %s", enc, enc2)
		}
	})
}
