package convextest

import (
	"testing"

	"github.com/convexgw/convexgw/convexclient/backend"
)

func TestResultWriter(t *testing.T) {
	type format struct {
		f   string
		has bool
		def string
	}
	encoded := format{"convex_encoded_json", true, "json"}
	tests := []struct {
		name string
		w    resultWriter
		f    format
		want string
	}{
		{"success no logs", resultWriter{value: []byte(`{"$integer":"AQAAAAAAAAA="}`)}, encoded, `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}`},
		{"success clean", resultWriter{value: []byte(`{"$integer":"AQAAAAAAAAA="}`)}, format{def: "json"}, `{"status":"success","value":"1"}`},
		{"default encoded (old npm)", resultWriter{value: []byte(`{"$integer":"AQAAAAAAAAA="}`)}, format{def: "convex_encoded_json"}, `{"status":"success","value":{"$integer":"AQAAAAAAAAA="}}`},
		{"logs escaped", resultWriter{value: []byte(`null`), logs: []string{"[LOG] 'a\"b'\n<"}}, encoded, `{"status":"success","value":null,"logLines":["[LOG] 'a\"b'\n<"]}`},
		{"error data then logs", resultWriter{rid: "r", failed: true, errMsg: "Uncaught ConvexError: x", data: []byte(`"x"`), logs: []string{"[LOG] l"}}, encoded,
			`{"status":"error","errorMessage":"[Request ID: r] Server Error\nUncaught ConvexError: x\n","errorData":"x","logLines":["[LOG] l"]}`},
		{"convex_clean_json alias", resultWriter{value: []byte(`{"$bytes":"AQ=="}`)}, format{"convex_clean_json", true, "json"}, `{"status":"success","value":"AQ=="}`},
		{"export_json -0", resultWriter{value: []byte(`[{"$float":"AAAAAAAAAIA="},{"$integer":"AQAAAAAAAAA="}]`)}, format{"export_json", true, "json"}, `{"status":"success","value":[-0.0,1]}`},
		{"bad format", resultWriter{value: []byte(`1.0`)}, format{"", true, "json"}, "{\"code\":\"BadFormat\",\"message\":\"format param must be one of [`json`]. Got \"}"},
	}
	for _, tt := range tests {
		def, _ := backend.ParseFormat(tt.f.def)
		if got := tt.w.finish(tt.f.f, tt.f.has, def); string(got.Body) != tt.want {
			t.Errorf("%s: %s\nwant %s", tt.name, got.Body, tt.want)
		}
	}
}
