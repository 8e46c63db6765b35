package convexclient

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestIdentityRoundTrip(t *testing.T) {
	id := Identity{Subject: "u1", Issuer: "https://gw.test", TokenIdentifier: "https://gw.test|u1",
		Name: "Ada", Email: "ada@demo.test", Custom: map[string]any{"role": "admin"}}
	enc, err := EncodeIdentity(id)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(enc)
	want := `{"email":"ada@demo.test","issuer":"https://gw.test","name":"Ada","role":"admin","subject":"u1","tokenIdentifier":"https://gw.test|u1"}`
	if string(raw) != want {
		t.Fatalf("JSON %s", raw)
	}
	back, err := DecodeIdentity(enc)
	if err != nil || !reflect.DeepEqual(back, id) {
		t.Fatalf("= %+v, %v", back, err)
	}
	if _, err := DecodeIdentity("not base64!"); err == nil {
		t.Fatal("bad base64 accepted")
	}
}

func TestIdentityStandardAttributes(t *testing.T) {
	yes, no := true, false
	id := Identity{
		Subject: "u1", Issuer: "https://gw.test", Name: "Ada Lovelace", Email: "ada@demo.test",
		GivenName: "Ada", FamilyName: "Lovelace", Nickname: "ada", PreferredUsername: "countess",
		ProfileURL: "https://p.test/ada", PictureURL: "https://p.test/ada.png", WebsiteURL: "https://ada.test",
		EmailVerified: &yes, Gender: "female", Birthday: "1815-12-10", Timezone: "Europe/London",
		Language: "en-GB", PhoneNumber: "+44 20 0000 0000", PhoneNumberVerified: &no,
		Address: "London", UpdatedAt: "2024-01-02T03:04:05Z",
		Custom: map[string]any{"role": "admin", "org": map[string]any{"id": "o1"}},
	}
	b, err := json.Marshal(id)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"address":"London","birthday":"1815-12-10","email":"ada@demo.test","emailVerified":true,` +
		`"familyName":"Lovelace","gender":"female","givenName":"Ada","issuer":"https://gw.test","language":"en-GB",` +
		`"name":"Ada Lovelace","nickname":"ada","org":{"id":"o1"},"phoneNumber":"+44 20 0000 0000",` +
		`"phoneNumberVerified":false,"pictureUrl":"https://p.test/ada.png","preferredUsername":"countess",` +
		`"profileUrl":"https://p.test/ada","role":"admin","subject":"u1","timezone":"Europe/London",` +
		`"updatedAt":"2024-01-02T03:04:05Z","websiteUrl":"https://ada.test"}`
	if string(b) != want {
		t.Fatalf("JSON\n%s\nwant\n%s", b, want)
	}
	enc, err := EncodeIdentity(id)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeIdentity(enc)
	if err != nil || !reflect.DeepEqual(back, id) {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
}

func TestIdentityValidate(t *testing.T) {
	base := func(custom map[string]any) Identity {
		return Identity{Subject: "u1", Issuer: "https://gw.test", Custom: custom}
	}
	yes := true
	cases := []struct {
		name string
		id   Identity
		want string // "" = valid
	}{
		{"issuer and subject", base(nil), ""},
		{"token identifier only", Identity{TokenIdentifier: "x|y"}, ""},
		{"no identifier", Identity{Name: "x"}, "token identifier, or an issuer and a subject"},
		{"subject only", Identity{Subject: "u1"}, "token identifier, or an issuer and a subject"},
		{"custom claim", base(map[string]any{"role": "admin", "n": 3.0, "tags": []any{"a"}}), ""},
		{"standard name right type", base(map[string]any{"givenName": "Ada", "emailVerified": false}), ""},
		{"standard name null", base(map[string]any{"pictureUrl": nil}), ""},
		{"string attribute as number", base(map[string]any{"updatedAt": 1700000000}), `"updatedAt" must be a string`},
		{"bool attribute as string", base(map[string]any{"emailVerified": "true"}), `"emailVerified" must be a bool`},
		{"phone verified as number", base(map[string]any{"phoneNumberVerified": 1}), `"phoneNumberVerified" must be a bool`},
		{"subject as object", Identity{TokenIdentifier: "x|y", Custom: map[string]any{"subject": map[string]any{}}}, `"subject" must be a string`},
		{"duplicate of a field", Identity{Subject: "u1", Issuer: "i", Email: "a@b.c", Custom: map[string]any{"email": "c@d.e"}}, `"email" duplicates`},
		{"duplicate of a bool field", Identity{Subject: "u1", Issuer: "i", EmailVerified: &yes, Custom: map[string]any{"emailVerified": true}}, `"emailVerified" duplicates`},
		{"not JSON", base(map[string]any{"f": func() {}}), "not JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.id.Validate()
			_, encErr := EncodeIdentity(tc.id)
			cred := ActingAs(tc.id)
			if tc.want == "" {
				if err != nil || encErr != nil || cred.err != nil {
					t.Fatalf("Validate = %v, Encode = %v, ActingAs = %v", err, encErr, cred.err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
			if encErr == nil || cred.err == nil {
				t.Fatalf("Encode = %v, ActingAs = %v: invalid identity accepted", encErr, cred.err)
			}
		})
	}
}

// TestDecodeIdentityBackendRules: what the backend refuses with 400
// HeaderParseFailure, DecodeIdentity refuses too.
func TestDecodeIdentityBackendRules(t *testing.T) {
	cases := []struct {
		json string
		ok   bool
	}{
		{`{"subject":"u","issuer":"i"}`, true},
		{`{"tokenIdentifier":"i|u"}`, true},
		{`{"tokenIdentifier":"i|u","name":null,"emailVerified":null}`, true},
		{`{"tokenIdentifier":"i|u","custom":{"deep":[1,2]}}`, true},
		{`{"subject":"u"}`, false},
		{`{"tokenIdentifier":null,"issuer":"i"}`, false},
		{`{"tokenIdentifier":"i|u","emailVerified":"yes"}`, false},
		{`{"tokenIdentifier":"i|u","updatedAt":5}`, false},
		{`{"tokenIdentifier":7}`, false},
		{`[]`, false},
		{`null`, false},
		{`{`, false},
	}
	for _, tc := range cases {
		_, err := DecodeIdentity(base64.StdEncoding.EncodeToString([]byte(tc.json)))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.json, err, tc.ok)
		}
	}
}
