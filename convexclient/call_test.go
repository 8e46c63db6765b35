package convexclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestRequestWireBytes(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`))
	args := struct {
		Title string `json:"title"`
		Count int64  `json:"count"`
		Blob  []byte `json:"blob"`
	}{"x", 30, []byte{1, 2, 3}}
	ctx := WithRequestID(context.Background(), "req-123")
	for _, k := range []Kind{KindQuery, KindMutation, KindAction} {
		if err := hs.c.Call(ctx, k, "admin/users:create", args, nil); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		path, body, h := hs.rec.last()
		if path != k.Endpoint() {
			t.Errorf("%s: path %q", k, path)
		}
		want := `{"path":"admin/users:create","format":"convex_encoded_json","args":{"blob":{"$bytes":"AQID"},"count":{"$integer":"HgAAAAAAAAA="},"title":"x"}}`
		if body != want {
			t.Errorf("%s: body\n got %s\nwant %s", k, body, want)
		}
		for name, want := range map[string]string{
			"Content-Type":      "application/json",
			"Convex-Client":     "convexgw-go-0.1.0",
			"Convex-Request-Id": "req-123",
			"Authorization":     "",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: header %s = %q, want %q", k, name, got, want)
			}
		}
	}
	// nil args are {}, legacy array args pass through CallRaw untouched.
	_ = hs.c.Mutation(context.Background(), "m", nil, nil)
	if _, body, _ := hs.rec.last(); body != `{"path":"m","format":"convex_encoded_json","args":{}}` {
		t.Errorf("nil args body %s", body)
	}
	if _, err := hs.c.CallRaw(context.Background(), KindQuery, "m.js:f", json.RawMessage(` [{"a":1}] `)); err != nil {
		t.Fatal(err)
	}
	if _, body, _ := hs.rec.last(); body != `{"path":"m.js:f","format":"convex_encoded_json","args":[{"a":1}]}` {
		t.Errorf("raw args body %s", body)
	}
}

func TestInvalidRequestsDoNoIO(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`))
	ctx := context.Background()
	cases := map[string]error{
		"bad path":       hs.c.Query(ctx, "tasks:list:x", nil, nil),
		"empty path":     hs.c.Query(ctx, "", nil, nil),
		"bad kind":       hs.c.Call(ctx, Kind(9), "a:b", nil, nil),
		"string args":    hs.c.Query(ctx, "a:b", "x", nil),
		"bad args value": hs.c.Query(ctx, "a:b", map[string]any{"$x": 1}, nil),
		"raw scalar":     func() error { _, err := hs.c.CallRaw(ctx, KindQuery, "a:b", json.RawMessage(`1`)); return err }(),
		"raw bad json":   func() error { _, err := hs.c.CallRaw(ctx, KindQuery, "a:b", json.RawMessage(`{`)); return err }(),
		"empty token":    hs.c.Query(WithCredential(ctx, UserToken("")), "a:b", nil, nil),
	}
	for name, err := range cases {
		if !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	if n := hs.rec.hits.Load(); n != 0 {
		t.Fatalf("server hit %d times", n)
	}
	if ev := hs.lastEvent(t); ev.Outcome != OutcomeInvalidRequest || ev.Attempts != 0 {
		t.Fatalf("event %+v", ev)
	}
}

func TestStatusPaths(t *testing.T) {
	type result struct {
		N int   `json:"n"`
		I int64 `json:"i"`
	}
	cases := []struct {
		name     string
		status   int
		body     string
		outcome  string
		check    func(t *testing.T, err error, out any)
		attempts int
	}{
		{"success", 200, `{"status":"success","value":{"i":{"$integer":"KgAAAAAAAAA="},"n":42.0}}`, OutcomeSuccess,
			func(t *testing.T, err error, out any) {
				if err != nil || out.(result) != (result{42, 42}) {
					t.Fatalf("out %+v err %v", out, err)
				}
			}, 1},
		{"function error with data", 200, `{"status":"error","errorMessage":"[Request ID: r1] Server Error\nUncaught ConvexError: {\"code\":\"NOT_FOUND\"}\n","errorData":{"code":"NOT_FOUND"},"logLines":["[LOG] 'x'"]}`, OutcomeFunctionError,
			func(t *testing.T, err error, _ any) {
				var fe *FunctionError
				if !errors.As(err, &fe) || fe.Path != "tasks:get" || !fe.IsConvexError() || len(fe.LogLines) != 1 {
					t.Fatalf("err %#v", err)
				}
				if !strings.HasPrefix(fe.Message, "[Request ID: r1] Server Error\n") || string(fe.Data) != `{"code":"NOT_FOUND"}` {
					t.Fatalf("fe %+v", fe)
				}
				data, ok := ErrorData[struct{ Code string }](err)
				if !ok || data.Code != "NOT_FOUND" {
					t.Fatalf("ErrorData = %+v, %v", data, ok)
				}
				var m map[string]any
				if fe.DecodeData(&m) != nil || m["code"] != "NOT_FOUND" {
					t.Fatalf("DecodeData %v", m)
				}
			}, 1},
		{"function error without data", 200, `{"status":"error","errorMessage":"[Request ID: r2] Server Error\nUncaught Error: boom\n"}`, OutcomeFunctionError,
			func(t *testing.T, err error, _ any) {
				var fe *FunctionError
				if !errors.As(err, &fe) || fe.IsConvexError() || fe.DecodeData(new(any)) == nil {
					t.Fatalf("err %v", err)
				}
				if _, ok := ErrorData[map[string]any](err); ok {
					t.Fatal("ErrorData ok without data")
				}
				if got := err.Error(); got != "convexclient: function tasks:get failed: [Request ID: r2] Server Error Uncaught Error: boom" {
					t.Fatalf("Error() = %q", got)
				}
			}, 1},
		{"legacy 560", 560, `{"status":"error","errorMessage":"boom","errorData":"x"}`, OutcomeFunctionError,
			func(t *testing.T, err error, _ any) {
				if d, ok := ErrorData[string](err); !ok || d != "x" {
					t.Fatalf("err %v", err)
				}
			}, 1},
		{"560 not json", 560, `oops`, OutcomeHTTPError, httpErr(560, "", "status 560"), 1},
		{"400", 400, `{"code":"BadJsonBody","message":"bad"}`, OutcomeHTTPError, httpErr(400, "BadJsonBody", "bad"), 1},
		{"401", 401, `{"code":"InvalidAuthHeader","message":"Could not parse JWT payload."}`, OutcomeHTTPError, httpErr(401, "InvalidAuthHeader", "Could not parse JWT payload."), 1},
		{"403", 403, `{"code":"BadDeployKey","message":"invalid"}`, OutcomeHTTPError, httpErr(403, "BadDeployKey", "invalid"), 1},
		{"404", 404, `{"code":"FunctionPathNotFound","message":"nope"}`, OutcomeHTTPError, httpErr(404, "FunctionPathNotFound", "nope"), 1},
		{"429", 429, `{"code":"TooManyConcurrentRequests","message":"slow down"}`, OutcomeUnavailable, unavailable(429), 3},
		{"500", 500, `{"code":"InternalServerError","message":"Your request couldn't be completed. Try again later."}`, OutcomeHTTPError, httpErr(500, "InternalServerError", "Your request couldn't be completed. Try again later."), 1},
		{"503", 503, `{"code":"OptimisticConcurrencyControlFailure","message":"occ"}`, OutcomeUnavailable, unavailable(503), 3},
		{"non-JSON error body", 502, `<html>bad gateway</html>`, OutcomeHTTPError, httpErr(502, "", "Bad Gateway"), 1},
		{"empty 408", 408, ``, OutcomeHTTPError, httpErr(408, "", "Request Timeout"), 1},
		{"200 not json", 200, `<html>`, OutcomeBadResponse, isErr(ErrBadResponse), 1},
		{"200 unknown status", 200, `{"status":"weird"}`, OutcomeBadResponse, isErr(ErrBadResponse), 1},
		{"value does not fit", 200, `{"status":"success","value":{"n":"str"}}`, OutcomeBadResponse, isErr(ErrInvalidValue), 1},
		{"bad errorData", 200, `{"status":"error","errorMessage":"x","errorData":{"a":}}`, OutcomeBadResponse, isErr(ErrBadResponse), 1},
		{"oversize", 200, `{"status":"success","value":"` + strings.Repeat("x", 300) + `"}`, OutcomeBadResponse, isErr(ErrBadResponse), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := setup(t, reply(tc.status, tc.body), func(c *Config) { c.MaxResponseBytes = 256 })
			var out result
			err := hs.c.Query(context.Background(), "tasks:get", nil, &out)
			tc.check(t, err, out)
			ev := hs.lastEvent(t)
			if ev.Outcome != tc.outcome || ev.Attempts != tc.attempts || ev.Status != tc.status || ev.Path != "tasks:get" || ev.Kind != KindQuery {
				t.Fatalf("event %+v, want outcome %s attempts %d", ev, tc.outcome, tc.attempts)
			}
		})
	}
}

func httpErr(status int, code, msg string) func(*testing.T, error, any) {
	return func(t *testing.T, err error, _ any) {
		t.Helper()
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != status || he.Code != code || he.Message != msg || he.Path != "tasks:get" {
			t.Fatalf("err = %#v, want HTTPError %d %s %q", err, status, code, msg)
		}
		if errors.Is(err, ErrUnavailable) {
			t.Fatal("plain HTTP error matches ErrUnavailable")
		}
	}
}

func unavailable(status int) func(*testing.T, error, any) {
	return func(t *testing.T, err error, _ any) {
		t.Helper()
		var he *HTTPError
		var ue *UnavailableError
		if !errors.Is(err, ErrUnavailable) || !errors.As(err, &he) || he.Status != status || !errors.As(err, &ue) || ue.RetryAfter < 1e9 {
			t.Fatalf("err = %v, want ErrUnavailable wrapping HTTP %d", err, status)
		}
	}
}

func isErr(target error) func(*testing.T, error, any) {
	return func(t *testing.T, err error, _ any) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("err = %v, want %v", err, target)
		}
	}
}

func TestOversizeChunkedBody(t *testing.T) {
	hs := setup(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"status":"success","value":"`)
		w.(http.Flusher).Flush() // no Content-Length: chunked
		_, _ = io.WriteString(w, strings.Repeat("y", 1000)+`"}`)
	}, func(c *Config) { c.MaxResponseBytes = 512 })
	var s string
	if err := hs.c.Query(context.Background(), "a:b", nil, &s); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}

func TestNilOutAndCallRaw(t *testing.T) {
	body := `{"status":"error","errorMessage":"x","errorData":{"code":"FORBIDDEN"}}`
	hs := setup(t, reply(200, body))
	raw, err := hs.c.CallRaw(context.Background(), KindMutation, "a:b", json.RawMessage(`{}`))
	if err != nil || string(raw) != body {
		t.Fatalf("CallRaw = %s, %v", raw, err)
	}
	if ev := hs.lastEvent(t); ev.Outcome != OutcomeFunctionError {
		t.Fatalf("outcome %s", ev.Outcome)
	}
	hs2 := setup(t, reply(200, `{"status":"success","value":[1.0,2.0]}`))
	if err := hs2.c.Query(context.Background(), "a:b", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := hs2.c.CallRaw(context.Background(), KindQuery, "a:b", nil); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("nil raw args: %v", err)
	}
}

func TestLogLinesGoToDebugLog(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	hs := setup(t, reply(200, `{"status":"success","value":1.0,"logLines":["[LOG] 'hi' 5","[WARN] careful"]}`),
		func(c *Config) { c.Logger = zap.New(core) })
	if err := hs.c.Query(context.Background(), "msgs:list", nil, nil); err != nil {
		t.Fatal(err)
	}
	entries := logs.FilterMessage("convex function log").All()
	if len(entries) != 2 || entries[0].Level != zapcore.DebugLevel {
		t.Fatalf("entries %+v", entries)
	}
	f := entries[1].ContextMap()
	if f["function"] != "msgs:list" || f["line"] != "[WARN] careful" || f["kind"] != "query" {
		t.Fatalf("fields %v", f)
	}
}

func TestDeadContextDoesNoIO(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":null}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := hs.c.Query(ctx, "a:b", nil, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if hs.rec.hits.Load() != 0 || hs.lastEvent(t).Outcome != OutcomeCanceled {
		t.Fatalf("hits %d event %+v", hs.rec.hits.Load(), hs.lastEvent(t))
	}
}

func TestCallRawRejectsInvalidValue(t *testing.T) {
	hs := setup(t, reply(200, `{"status":"success","value":[1,]}`))
	if _, err := hs.c.CallRaw(context.Background(), KindQuery, "a:b", json.RawMessage(`{}`)); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}
