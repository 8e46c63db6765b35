package routes

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

var loginBodyCases = []struct {
	body      string
	wantEmail string
	wantErr   string // "" ok; else the fields named or "malformed"
}{
	{`{"email":"a@b.c","password":"pw"}`, "a@b.c", ""},
	{`{"email":"  A@B.C ","password":"pw"}`, "a@b.c", ""},
	{`{"email":"","password":""}`, "", "email password"},
	{`{"email":"nope","password":"pw"}`, "", "email"},
	{`{"email":"a@","password":"pw"}`, "", "email"},
	{`{"email":"a b@c.d","password":"pw"}`, "", "email"},
	{`{"email":"a@b.c","password":"` + strings.Repeat("p", maxPasswordBytes+1) + `"}`, "", "password"},
	{`{"email":"a@b.c","password":"pw","role":"admin"}`, "", "malformed"},
	{`{"email":"a@b.c","password":"pw"}{"x":1}`, "", "malformed"},
	{`{"email":1,"password":"pw"}`, "", "malformed"},
	{`[]`, "", "malformed"},
	{``, "", "malformed"},
}

func parseLogin(body string) (loginRequest, error) {
	e := echo.New()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	return readLoginRequest(e.NewContext(r, httptest.NewRecorder()))
}

func TestReadLoginRequest(t *testing.T) {
	for _, tt := range loginBodyCases {
		req, err := parseLogin(tt.body)
		if tt.wantErr == "" {
			if err != nil || req.Email != tt.wantEmail {
				t.Errorf("%.60s: %+v, %v", tt.body, req, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Code != CodeInvalidRequest {
			t.Errorf("%.60s: err %v, want 400 invalid_request", tt.body, err)
			continue
		}
		if tt.wantErr != "malformed" {
			for _, f := range strings.Fields(tt.wantErr) {
				if e.Fields[f] == "" {
					t.Errorf("%.60s: fields %v lack %s", tt.body, e.Fields, f)
				}
			}
		}
	}
}

// FuzzReadLoginRequest: any body gives a normalised request or a 400, never
// a panic, and never echoes the password in the error.
func FuzzReadLoginRequest(f *testing.F) {
	for _, tt := range loginBodyCases {
		f.Add(tt.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := parseLogin(body)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status != http.StatusBadRequest {
				t.Fatalf("err = %v", err)
			}
			return
		}
		if req.Email != strings.ToLower(strings.TrimSpace(req.Email)) || !strings.Contains(req.Email, "@") || req.Password == "" {
			t.Fatalf("accepted %+v", req)
		}
	})
}
