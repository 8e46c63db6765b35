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
	{`{"email":"a@b.c","password":"x","password":"pw"}`, "", "malformed"}, // the text/plain form trick
	{`{"email":"a@b.c"}`, "", "password"},
	{`[]`, "", "malformed"},
	{``, "", "malformed"},
}

func parseLogin(body string) (loginRequest, error) {
	return parseLoginAs("application/json", body)
}

func parseLoginAs(contentType, body string) (loginRequest, error) {
	e := echo.New()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return readLoginRequest(e.NewContext(r, httptest.NewRecorder()))
}

// TestLoginCSRF (issue 12, defect 2): a cross-site form cannot sign anyone
// in. Its enctype="text/plain" body (with the duplicated-key trick) is
// refused for its content type and its duplicate key, and a cross-site
// origin is refused before the body is read.
func TestLoginCSRF(t *testing.T) {
	const formBody = `{"email":"attacker@evil.test","password":"pw","x":"="}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		_, err := parseLoginAs(ct, formBody)
		var e *Error
		if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Fields["Content-Type"] == "" {
			t.Errorf("Content-Type %q: %v, want 400 naming Content-Type", ct, err)
		}
	}
	h := NewAPI(testDeps(t)).Handler()
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"cross-site origin", map[string]string{"Origin": "https://evil.test"}, http.StatusForbidden},
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"cross-site referer", map[string]string{"Referer": "https://evil.test/page"}, http.StatusForbidden},
		{"same origin", map[string]string{"Origin": "http://gw.test", "Sec-Fetch-Site": "same-origin"}, http.StatusServiceUnavailable},
	} {
		r := httptest.NewRequest(http.MethodPost, "/api/auth/login", strings.NewReader(`{"email":"a@b.c","password":"pw"}`))
		r.Header.Set("Content-Type", "application/json")
		for k, v := range tc.hdr {
			r.Header.Set(k, v)
		}
		// testDeps has no accounts: a request that passes the checks gets
		// 503 (sign-in not configured), one that does not gets 403.
		if w := serve(h, r); w.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, w.Code, w.Body, tc.want)
		}
	}
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
