package routes

import (
	"encoding/json"
	"testing"
)

func TestConvertResponse(t *testing.T) {
	in := `{"status":"success","value":{"b":{"$bytes":"AQID"},"a":[{"$integer":"HgAAAAAAAAA="},42.0,"x<y",null,true],` +
		`"f":[{"$float":"AAAAAAAA+H8="},{"$float":"AAAAAAAA8H8="},{"$float":"AAAAAAAA8P8="},{"$float":"AAAAAAAAAIA="}]},"logLines":["[LOG] 'hi'"]}`
	cases := []struct {
		f    valueFormat
		want string
	}{
		{formatClean, `{"status":"success","value":{"a":["30",42.0,"x<y",null,true],"b":"AQID","f":["NaN","Infinity","-Infinity",-0.0]},"logLines":["[LOG] 'hi'"]}`},
		{formatExport, `{"status":"success","value":{"a":[30,42.0,"x<y",null,true],"b":{"$bytes":"AQID"},"f":[{"$float":"AAAAAAAA+H8="},{"$float":"AAAAAAAA8H8="},{"$float":"AAAAAAAA8P8="},{"$float":"AAAAAAAAAIA="}]},"logLines":["[LOG] 'hi'"]}`},
	}
	for _, tc := range cases {
		got, err := convertResponse([]byte(in), tc.f)
		if err != nil || string(got) != tc.want {
			t.Errorf("format %d:\ngot  %s (%v)\nwant %s", tc.f, got, err, tc.want)
		}
	}
	errIn := `{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: {\"n\":1}\n","errorData":{"n":{"$integer":"AQAAAAAAAAA="}}}`
	got, err := convertResponse([]byte(errIn), formatClean)
	want := `{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: {\"n\":1}\n","errorData":{"n":"1"}}`
	if err != nil || string(got) != want {
		t.Errorf("error body:\ngot  %s (%v)\nwant %s", got, err, want)
	}
	if _, err := convertResponse([]byte(`{"status":"success","value":{"$integer":"AQ=="}}`), formatClean); err == nil {
		t.Error("short $integer accepted")
	}
}

func TestResolveFormat(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		f      *string
		run    bool
		client string
		want   valueFormat
		bad    bool
	}{
		{s("convex_encoded_json"), false, "npm-1.48.0", formatEncoded, false},
		{s("convex_json"), true, "", formatEncoded, false},
		{s("json"), false, "", formatClean, false},
		{s("export_json"), false, "", formatExport, false},
		{s("xml"), false, "", formatEncoded, true},
		{nil, false, "npm-1.48.0", formatClean, false},
		{nil, false, "npm-1.4.0", formatEncoded, false},
		{nil, false, "npm-cli-1.2.3", formatEncoded, false},
		{nil, false, "python-0.4.9", formatEncoded, false},
		{nil, false, "go-convex-0.1.0", formatClean, false},
		{nil, true, "npm-1.0.0", formatClean, false},
		{nil, false, "", formatClean, false},
	}
	for _, tc := range cases {
		got, bad := resolveFormat(tc.f, tc.run, tc.client)
		if got != tc.want || (bad != nil) != tc.bad {
			t.Errorf("%v %v %q: got %d %v", tc.f, tc.run, tc.client, got, bad)
		}
	}
}

// FuzzConvertResponse: conversion never panics and yields valid JSON.
func FuzzConvertResponse(f *testing.F) {
	f.Add([]byte(`{"status":"success","value":{"a":[{"$integer":"HgAAAAAAAAA="},{"$bytes":"AQID"},{"$float":"AAAAAAAA+H8="}]}}`), uint8(2))
	f.Add([]byte(`{"status":"error","errorMessage":"x","errorData":{"n":{"$integer":"AQAAAAAAAAA="}},"logLines":["[LOG] 'a'"]}`), uint8(3))
	f.Add([]byte(`{"status":"success","value":{"$float":"AAAAAAAAAIA="}}`), uint8(2))
	f.Fuzz(func(t *testing.T, body []byte, f uint8) {
		format := valueFormat(f%3 + 1)
		if format == formatEncoded {
			format = formatClean
		}
		out, err := convertResponse(body, format)
		if err == nil && !json.Valid(out) {
			t.Fatalf("invalid output %s from %s", out, body)
		}
	})
}
