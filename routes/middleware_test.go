package routes

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/labstack/echo/v4"
)

func TestRequestID(t *testing.T) {
	h := NewAPI(testDeps(t)).Handler()
	tests := []struct{ in, want string }{
		{"abc-123_X.y", "abc-123_X.y"},
		{"", ""},                      // generated
		{"bad id with spaces", ""},    // replaced
		{strings.Repeat("a", 65), ""}, // too long: replaced
		{"<script>", ""},              // replaced
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if tt.in != "" {
			r.Header.Set(HeaderRequestID, tt.in)
		}
		w := serve(h, r)
		got := w.Header().Get(HeaderRequestID)
		if tt.want != "" && got != tt.want {
			t.Errorf("in %q: id %q, want %q", tt.in, got, tt.want)
		}
		if tt.want == "" && (len(got) != 16 || got == tt.in) {
			t.Errorf("in %q: generated id %q, want 16 hex chars", tt.in, got)
		}
	}
	// Errors carry the same id in the body as in the header, 404s included.
	r := httptest.NewRequest(http.MethodGet, "/nope", nil)
	r.Header.Set(HeaderRequestID, "rid-404")
	w := serve(h, r)
	var body errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.RequestID != "rid-404" || w.Code != 404 {
		t.Errorf("404: %d %s", w.Code, w.Body)
	}
}

func TestBodyLimit(t *testing.T) {
	h := NewAPI(testDeps(t)).Handler() // BodyLimit 1024
	big := `{"email":"a@b.c","password":"` + strings.Repeat("x", 2000) + `"}`
	for _, chunked := range []bool{false, true} {
		r := httptest.NewRequest(http.MethodPost, "/api/auth/login", strings.NewReader(big))
		r.Header.Set("Content-Type", "application/json")
		if chunked { // no Content-Length: the limit trips while reading
			r.ContentLength = -1
			r.Body = ioNopCloser{iotest.HalfReader(strings.NewReader(big))}
		}
		w := serve(h, r)
		var body errorBody
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("chunked=%v: body %q: %v", chunked, w.Body, err)
		}
		if w.Code != http.StatusRequestEntityTooLarge || body.Error.Code != CodeBodyTooLarge || body.Error.RequestID == "" {
			t.Errorf("chunked=%v: %d %s", chunked, w.Code, w.Body)
		}
	}
}

type ioNopCloser struct {
	r interface{ Read([]byte) (int, error) }
}

func (n ioNopCloser) Read(p []byte) (int, error) { return n.r.Read(p) }
func (ioNopCloser) Close() error                 { return nil }

func TestSecurityHeaders(t *testing.T) {
	d := testDeps(t)
	d.HSTS = true
	w := serve(NewAPI(d).Handler(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	for k, v := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
		"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
		"Referrer-Policy":           "strict-origin-when-cross-origin",
	} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	w = serve(NewAPI(testDeps(t)).Handler(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent without HSTS on")
	}
}

func TestCORS(t *testing.T) {
	h := NewAPI(testDeps(t)).Handler() // allows http://app.test
	tests := []struct {
		origin    string
		wantAllow string
	}{
		{"http://app.test", "http://app.test"},
		{"http://evil.test", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodOptions, "/api/auth/session", nil)
		r.Header.Set("Origin", tt.origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "X-CSRF-Token, Content-Type")
		w := serve(h, r)
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
			t.Errorf("%s: Allow-Origin %q, want %q", tt.origin, got, tt.wantAllow)
		}
		if tt.wantAllow != "" {
			if w.Header().Get("Access-Control-Allow-Credentials") != "true" {
				t.Errorf("%s: no Allow-Credentials", tt.origin)
			}
			if !strings.Contains(w.Header().Get("Access-Control-Allow-Headers"), HeaderCSRF) {
				t.Errorf("%s: Allow-Headers %q", tt.origin, w.Header().Get("Access-Control-Allow-Headers"))
			}
		}
	}
}

func TestIPExtractor(t *testing.T) {
	_, proxy, _ := net.ParseCIDR("10.0.0.0/8")
	tests := []struct {
		name    string
		trusted []*net.IPNet
		remote  string
		xff     string
		want    string
	}{
		{"no proxies: peer, header ignored", nil, "203.0.113.9:1234", "198.51.100.1", "203.0.113.9"},
		{"loopback peer not trusted by default", nil, "127.0.0.1:1234", "198.51.100.1", "127.0.0.1"},
		{"trusted proxy: client from XFF", []*net.IPNet{proxy}, "10.1.2.3:1234", "198.51.100.1", "198.51.100.1"},
		{"spoofed chain: nearest untrusted wins", []*net.IPNet{proxy}, "10.1.2.3:1234", "1.1.1.1, 198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"untrusted peer: XFF ignored", []*net.IPNet{proxy}, "203.0.113.9:1234", "198.51.100.1", "203.0.113.9"},
		{"private range not trusted unless listed", []*net.IPNet{proxy}, "192.168.1.1:1234", "198.51.100.1", "192.168.1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set(echo.HeaderXForwardedFor, tt.xff)
			}
			if got := IPExtractor(tt.trusted)(r); got != tt.want {
				t.Errorf("ip = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPanicBecomes500JSON(t *testing.T) {
	a := NewAPI(testDeps(t))
	e := a.Handler()
	e.GET("/panic", func(echo.Context) error { panic("kaboom") })
	w := serve(e, httptest.NewRequest(http.MethodGet, "/panic", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"code":"internal_error"`) || strings.Contains(w.Body.String(), "kaboom") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

func TestProtectedPageRedirect(t *testing.T) {
	h := NewAPI(testDeps(t)).Handler()
	tests := []struct{ path, want string }{
		{"/dashboard", "/sign-in?redirect=%2Fdashboard"},
		{"/dashboard/tasks?x=1", "/sign-in?redirect=%2Fdashboard%2Ftasks%3Fx%3D1"},
		{"/dashboards", ""}, // not under the prefix: plain 404
	}
	for _, tt := range tests {
		w := serve(h, httptest.NewRequest(http.MethodGet, tt.path, nil))
		if tt.want == "" {
			if w.Code != 404 {
				t.Errorf("%s: %d", tt.path, w.Code)
			}
			continue
		}
		if w.Code != http.StatusFound || w.Header().Get("Location") != tt.want {
			t.Errorf("%s: %d Location %q, want %q", tt.path, w.Code, w.Header().Get("Location"), tt.want)
		}
	}
}
