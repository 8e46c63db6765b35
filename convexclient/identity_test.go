package convexclient

import (
	"encoding/base64"
	"reflect"
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
