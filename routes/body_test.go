package routes

import (
	"encoding/json"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Body types of the tests: a create body with rules, a patch with a path
// id, a small one.
type testMeeting struct {
	Title       string   `json:"title"`
	StartsAt    float64  `json:"startsAt"`
	EndsAt      float64  `json:"endsAt"`
	Location    *string  `json:"location,omitempty"`
	AttendeeIDs []string `json:"attendeeIds"`
	Status      *string  `json:"status,omitempty"`
	Notes       *string  `json:"notes,omitempty"`
}

func (m *testMeeting) Validate(errs FieldErrors) {
	if strings.TrimSpace(m.Title) == "" {
		errs.Add("title", "title must not be empty")
	}
	if m.EndsAt <= m.StartsAt {
		errs.Add("endsAt", "endsAt must be after startsAt")
	}
	for _, id := range m.AttendeeIDs {
		if !ValidDocumentID(id) {
			errs.Add("attendeeIds", "attendeeIds must contain document ids")
			break
		}
	}
	CheckOptionalEnum(errs, "status", m.Status, "scheduled", "completed", "cancelled")
}

type testPatch struct {
	ID       string  `json:"id" body:"path"`
	Title    *string `json:"title,omitempty"`
	Status   *string `json:"status,omitempty"`
	Priority *string `json:"priority,omitempty"`
}

func (p *testPatch) Validate(errs FieldErrors) {
	if p.Title != nil && strings.TrimSpace(*p.Title) == "" {
		errs.Add("title", "title must not be empty")
	}
	CheckOptionalEnum(errs, "priority", p.Priority, "low", "medium", "high")
}

type testTask struct {
	Title    string `json:"title"`
	Priority string `json:"priority"`
}

func mustSpec[T any](nonEmpty bool) *BodySpec {
	s, err := NewBodySpec(reflect.TypeFor[T](), nonEmpty, "")
	if err != nil {
		panic(err)
	}
	return s
}

// decodeAs decodes with spec and returns the value as a T.
func decodeAs[T any](spec *BodySpec, body []byte) (T, FieldErrors) {
	v, errs := spec.Decode(body)
	if errs != nil {
		var zero T
		return zero, errs
	}
	return *v.Interface().(*T), nil
}

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
	{"duplicate key", `{"title":"A","title":"B","startsAt":1,"endsAt":2,"attendeeIds":[]}`,
		map[string]string{"title": "is given more than once"}},
	{"case matters", `{"Title":"B","startsAt":1,"endsAt":2,"attendeeIds":[]}`,
		map[string]string{"Title": "unknown field", "title": "is required"}},
}

func TestDecodeMeetingCreate(t *testing.T) {
	spec := mustSpec[testMeeting](false)
	for _, tc := range meetingCases {
		t.Run(tc.name, func(t *testing.T) {
			got, errs := decodeAs[testMeeting](spec, []byte(tc.body))
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
	spec := mustSpec[testPatch](true)
	cases := []decodeCase{
		{"one field", `{"status":"completed"}`, nil},
		{"empty patch", `{}`, map[string]string{"body": "must set at least one field"}},
		{"all null is empty", `{"title":null}`, map[string]string{"body": "must set at least one field"}},
		{"id is not a body field", `{"id":"abc","title":"x"}`, map[string]string{"id": "unknown field"}},
		{"bad enum", `{"priority":"urgent"}`, map[string]string{"priority": "must be one of: low, medium, high"}},
		{"blank title", `{"title":" \u00a0 "}`, map[string]string{"title": "title must not be empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, errs := spec.Decode([]byte(tc.body))
			if !maps.Equal(map[string]string(errs), tc.want) {
				t.Fatalf("errors = %v, want %v", errs, tc.want)
			}
			if tc.want == nil {
				spec.SetPathID(v, "abc")
				got := v.Interface().(*testPatch)
				if got.ID != "abc" || got.Status == nil || *got.Status != "completed" {
					t.Fatalf("got %+v", got)
				}
			}
		})
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
	_, errs := mustSpec[testTask](false).Decode([]byte(b.String()))
	if len(errs) != maxFieldErrors {
		t.Fatalf("%d errors, want the cap %d", len(errs), maxFieldErrors)
	}
	_, errs = mustSpec[testTask](false).Decode([]byte(`{"` + strings.Repeat("é", 100) + `":1}`))
	for k := range errs {
		if len(k) > maxEchoedKeyLen || !utf8.ValidString(k) {
			t.Fatalf("echoed key %q", k)
		}
	}
}

func TestNewBodySpecRefusesNonStruct(t *testing.T) {
	if _, err := NewBodySpec(reflect.TypeFor[string](), false, ""); err == nil {
		t.Fatal("a string body type accepted")
	}
	if _, err := NewBodySpec(reflect.TypeFor[testTask](), true, "id"); err == nil {
		t.Fatal("a missing path field accepted")
	}
}

// FuzzDecodeBody checks that the decoder never panics, that its error maps
// stay bounded, and that what it accepts survives a JSON round trip.
func FuzzDecodeBody(f *testing.F) {
	for _, tc := range meetingCases {
		f.Add([]byte(tc.body))
	}
	f.Add([]byte(`{"title":"x","startsAt":1e308,"endsAt":-1e308,"attendeeIds":null}`))
	f.Add([]byte(`{"title":"\ud800","startsAt":1,"endsAt":2,"attendeeIds":["a"],"title":"y"}`))
	spec := mustSpec[testMeeting](false)
	f.Fuzz(func(t *testing.T, body []byte) {
		got, errs := decodeAs[testMeeting](spec, body)
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
		again, errs := decodeAs[testMeeting](spec, enc)
		if errs != nil {
			t.Fatalf("re-decoding %s: %v", enc, errs)
		}
		enc2, _ := json.Marshal(again)
		if string(enc) != string(enc2) {
			t.Fatalf("round trip changed %s to %s", enc, enc2)
		}
	})
}
