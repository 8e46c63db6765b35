package convexclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

var responseCases = []struct {
	body    string
	ok      bool
	success bool
	value   string
	data    string
}{
	{`{"status":"success","value":{"a":[1.0,{"$integer":"AQAAAAAAAAA="}],"b":"x\"}"}}`, true, true, `{"a":[1.0,{"$integer":"AQAAAAAAAAA="}],"b":"x\"}"}`, ""},
	{`{"status":"success","value":null,"logLines":["[LOG] 'a'"]}`, true, true, `null`, ""},
	{` { "value" : -1.5e-7 , "status" : "success" } `, true, true, `-1.5e-7`, ""},
	{`{"status":"success","value":"]}"}`, true, true, `"]}"`, ""},
	{`{"status":"error","errorMessage":"boom","errorData":{"code":"X"}}`, true, false, "", `{"code":"X"}`},
	{`{"status":"error","errorMessage":"boom\n\"q\""}`, true, false, "", ""},
	{`{"status":"error","errorMessage":"x","extra":{"nested":[{}]}}`, true, false, "", ""},
	{`{"status":"success"}`, false, false, "", ""},
	{`{"status":"error"}`, false, false, "", ""},
	{`{"status":"error","errorMessage":5}`, false, false, "", ""},
	{`{"status":"pending","value":1}`, false, false, "", ""},
	{`{}`, false, false, "", ""},
	{``, false, false, "", ""},
	{`[]`, false, false, "", ""},
	{`{"status":"success","value":1}x`, false, false, "", ""},
	{`{"status":"success","value":}`, false, false, "", ""},
	{`{"status":"success","value":{"a":1}`, false, false, "", ""},
	{`{"status":"success","value":"unterminated}`, false, false, "", ""},
	{`{"status":"success" "value":1}`, false, false, "", ""},
	{`{"status":"success",}`, false, false, "", ""},
	{`{status:"success"}`, false, false, "", ""},
	{`<html>`, false, false, "", ""},
}

func TestParseResponse(t *testing.T) {
	for _, tc := range responseCases {
		r, err := parseResponse([]byte(tc.body))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.body, err)
			continue
		}
		if !tc.ok {
			continue
		}
		if r.success != tc.success || string(r.value) != tc.value || string(r.errorData) != tc.data {
			t.Errorf("%s: got success=%v value=%s data=%s", tc.body, r.success, r.value, r.errorData)
		}
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, tc := range responseCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseResponse(body)
		if err != nil || bytes.IndexByte(body, '\\') >= 0 || !json.Valid(body) {
			return
		}
		// On valid JSON the envelope must agree with encoding/json.
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) != nil {
			return
		}
		var status string
		_ = json.Unmarshal(m["status"], &status)
		if r.success != (status == "success") {
			t.Fatalf("success %v, status %q", r.success, status)
		}
		for key, got := range map[string][]byte{"value": r.value, "errorData": r.errorData, "errorMessage": r.errorMessage} {
			if want, ok := m[key]; ok && !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Fatalf("%s: got %s, want %s", key, got, want)
			}
		}
		if r.success {
			// The full decode path must not panic either.
			var v any
			_ = Unmarshal(r.value, &v)
		} else if _, err := r.functionError("f", redactor{}); err == nil && r.errorData != nil {
			if !json.Valid(r.errorData) {
				t.Fatal("invalid errorData accepted")
			}
		}
	})
}

func TestReadLimited(t *testing.T) {
	body := strings.Repeat("a", 10000)
	cases := []struct {
		r       io.Reader
		max     int64
		hint    int64
		wantErr error
	}{
		{strings.NewReader(body), 10000, -1, nil},
		{strings.NewReader(body), 10000, 10000, nil},
		{iotest.OneByteReader(strings.NewReader(body)), 10000, -1, nil},
		{strings.NewReader(body), 9999, -1, errTooLarge},
		{strings.NewReader(body), 9999, 10000, errTooLarge},
		{iotest.ErrReader(io.ErrUnexpectedEOF), 10, -1, io.ErrUnexpectedEOF},
	}
	for i, tc := range cases {
		got, err := readLimited(make([]byte, 0, 16), tc.r, tc.max, tc.hint)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%d: err = %v, want %v", i, err, tc.wantErr)
		}
		if tc.wantErr == nil && string(got) != body {
			t.Errorf("%d: read %d bytes", i, len(got))
		}
	}
}
