package convextest

import "testing"

func TestResultWriter(t *testing.T) {
	encoded := Request{Format: "convex_encoded_json", HasFormat: true}
	tests := []struct {
		name string
		w    resultWriter
		req  Request
		want string
	}{
		{"success no logs", resultWriter{value: []byte(`{"$integer":"AQAAAAAAAAA="}`)}, encoded, `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}`},
		{"success clean", resultWriter{value: []byte(`{"$integer":"AQAAAAAAAAA="}`)}, Request{}, `{"status":"success","value":"1"}`},
		{"logs escaped", resultWriter{value: []byte(`null`), logs: []string{"[LOG] 'a\"b'\n<"}}, encoded, `{"status":"success","value":null,"logLines":["[LOG] 'a\"b'\n<"]}`},
		{"error data then logs", resultWriter{rid: "r", failed: true, errMsg: "Uncaught ConvexError: x", data: []byte(`"x"`), logs: []string{"[LOG] l"}}, encoded,
			`{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: x\n","errorData":"x","logLines":["[LOG] l"]}`},
		{"convex_clean_json alias", resultWriter{value: []byte(`{"$bytes":"AQ=="}`)}, Request{Format: "convex_clean_json", HasFormat: true}, `{"status":"success","value":"AQ=="}`},
		{"bad format", resultWriter{value: []byte(`1.0`)}, Request{Format: "", HasFormat: true}, "{\"code\":\"BadFormat\",\"message\":\"format param must be one of [`json`]. Got \"}"},
	}
	for _, tt := range tests {
		if got := tt.w.finish(tt.req); string(got.Body) != tt.want {
			t.Errorf("%s: %s\nwant %s", tt.name, got.Body, tt.want)
		}
	}
}
