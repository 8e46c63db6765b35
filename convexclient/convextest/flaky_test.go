package convextest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFlaky(t *testing.T) {
	list := `{"path":"tasks:list","args":{}}`
	cases := []struct {
		name       string
		opts       FlakyOptions
		path       string
		wantStatus int    // of a failed request; 0: the connection is dropped
		wantBody   string // prefix
		wantFailed int    // of 20 requests
	}{
		{"down", FlakyOptions{Rate: 1}, "/api/query", 500, `{"code":"InternalServerError","message":"Injected fault"}`, 20},
		{"503", FlakyOptions{Rate: 1, Status: 503}, "/api/query", 503, `{"code":"ServiceUnavailable"`, 20},
		{"legacy 560", FlakyOptions{Rate: 1, Legacy560: true}, "/api/query", 560,
			`{"status":"error","errorMessage":"[Request ID: rid1] Server Error\nUncaught Error: Injected fault\n"}`, 20},
		{"reset", FlakyOptions{Rate: 1, Reset: true}, "/api/query", 0, "", 20},
		{"other endpoint passes", FlakyOptions{Rate: 1, Endpoints: []string{EndpointMutation}}, "/api/query", 200, "", 0},
		{"healthy", FlakyOptions{}, "/api/query", 200, "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDeployment(Options{})
			d.Query("tasks:list", func(_ context.Context, _ *Call) (any, error) { return 1, nil })
			f := NewFlaky(d, tc.opts)
			srv := httptest.NewServer(f)
			defer srv.Close()
			for range 20 {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, strings.NewReader(list))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Convex-Request-Id", "rid1")
				resp, err := srv.Client().Do(req)
				if tc.wantStatus == 0 {
					if err == nil {
						resp.Body.Close()
						t.Fatal("connection not dropped")
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.wantStatus || !strings.HasPrefix(string(body), tc.wantBody) {
					t.Fatalf("%d %s", resp.StatusCode, body)
				}
			}
			if f.Failed() != tc.wantFailed || len(d.Calls()) != 20-tc.wantFailed {
				t.Fatalf("failed %d, deployment saw %d", f.Failed(), len(d.Calls()))
			}
		})
	}
}

func TestFlakyRateIsSeededAndSettable(t *testing.T) {
	run := func(seed uint64) (pattern string, f *Flaky) {
		d := NewDeployment(Options{})
		d.Query("tasks:list", func(_ context.Context, _ *Call) (any, error) { return 1, nil })
		f = NewFlaky(d, FlakyOptions{Rate: 0.3, Seed: seed})
		var b strings.Builder
		for range 200 {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodPost, "/api/query", strings.NewReader(`{"path":"tasks:list","args":{}}`))
			r.Header.Set("Content-Type", "application/json")
			f.ServeHTTP(w, r)
			b.WriteByte("ok"[min(w.Code/500, 1)])
		}
		return b.String(), f
	}
	a, f := run(7)
	b, _ := run(7)
	if a != b {
		t.Fatal("same seed, different failures")
	}
	if n := f.Failed(); n < 40 || n > 80 || f.Passed() != 200-n {
		t.Fatalf("rate 0.3: %d of 200 failed, %d passed", n, f.Passed())
	}
	f.SetRate(0)
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/query", strings.NewReader(`{"path":"tasks:list","args":{}}`))
	r.Header.Set("Content-Type", "application/json")
	f.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("rate 0: %d", w.Code)
	}
}
