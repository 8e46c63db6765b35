package routes

import (
	"encoding/json"
	"testing"

	"github.com/convexgw/convexgw/convexclient/backend"
)

func TestConvertResult(t *testing.T) {
	in := `{"status":"success","value":{"b":{"$bytes":"AQID"},"a":[{"$integer":"HgAAAAAAAAA="},42.0,"x<y",null,true],` +
		`"f":[{"$float":"AAAAAAAA+H8="},{"$float":"AAAAAAAA8H8="},{"$float":"AAAAAAAA8P8="},{"$float":"AAAAAAAAAIA="}]},"logLines":["[LOG] 'hi'"]}`
	cases := []struct {
		f    backend.Format
		want string
	}{
		{backend.FormatClean, `{"status":"success","value":{"a":["30",42.0,"x<y",null,true],"b":"AQID","f":["NaN","Infinity","-Infinity",-0.0]},"logLines":["[LOG] 'hi'"]}`},
		// export_json prints -0 as a number, as the backend does.
		{backend.FormatExport, `{"status":"success","value":{"a":[30,42.0,"x<y",null,true],"b":{"$bytes":"AQID"},"f":[{"$float":"AAAAAAAA+H8="},{"$float":"AAAAAAAA8H8="},{"$float":"AAAAAAAA8P8="},-0.0]},"logLines":["[LOG] 'hi'"]}`},
	}
	for _, tc := range cases {
		got, err := convertResult([]byte("x"), []byte(in), tc.f)
		if err != nil || string(got) != "x"+tc.want {
			t.Errorf("format %d:\ngot  %s (%v)\nwant x%s", tc.f, got, err, tc.want)
		}
	}
	errIn := `{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: {\"n\":1}\n","errorData":{"n":{"$integer":"AQAAAAAAAAA="}}}`
	got, err := convertResult(nil, []byte(errIn), backend.FormatClean)
	want := `{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: {\"n\":1}\n","errorData":{"n":"1"}}`
	if err != nil || string(got) != want {
		t.Errorf("error body:\ngot  %s (%v)\nwant %s", got, err, want)
	}
	for _, bad := range []string{`{"status":"success","value":{"$integer":"AQ=="}}`, `{"value":1}`, `[`, `{"status":"success","value":{"$x":1}}`} {
		if out, err := convertResult([]byte("keep"), []byte(bad), backend.FormatClean); err == nil || string(out) != "keep" {
			t.Errorf("%s: %s %v", bad, out, err)
		}
	}
}

// FuzzConvertResult: conversion never panics and yields valid JSON.
func FuzzConvertResult(f *testing.F) {
	f.Add([]byte(`{"status":"success","value":{"a":[{"$integer":"HgAAAAAAAAA="},{"$bytes":"AQID"},{"$float":"AAAAAAAA+H8="}]}}`), uint8(2))
	f.Add([]byte(`{"status":"error","errorMessage":"x","errorData":{"n":{"$integer":"AQAAAAAAAAA="}},"logLines":["[LOG] 'a'"]}`), uint8(3))
	f.Add([]byte(`{"status":"success","value":{"$float":"AAAAAAAAAIA="}}`), uint8(2))
	f.Fuzz(func(t *testing.T, body []byte, f uint8) {
		format := backend.Format(f%2 + 2) // clean or export
		out, err := convertResult(nil, body, format)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid output %s from %s", out, body)
		}
	})
}

// BenchmarkConvertResult: a 100-row query result re-encoded in the default
// json format (what a client that sends no format gets).
func BenchmarkConvertResult(b *testing.B) {
	row := `{"_creationTime":1766448000000.0,"_id":"0a85rxmatjfh8v0gc42f7jq17g21rcaq","count":{"$integer":"HgAAAAAAAAA="},"title":"Plan food drive logistics"}`
	body := []byte(`{"status":"success","value":[` + row)
	for range 99 {
		body = append(body, ',')
		body = append(body, row...)
	}
	body = append(body, "]}"...)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	var out []byte
	for b.Loop() {
		var err error
		if out, err = convertResult(out[:0], body, backend.FormatClean); err != nil {
			b.Fatal(err)
		}
	}
}
