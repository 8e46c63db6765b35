package convexclient

import (
	"strings"
	"testing"
)

func TestReadSpecial(t *testing.T) {
	tests := []struct {
		in     string
		reason string // "" = valid
	}{
		{`{"$integer":"AQAAAAAAAAA="}`, ""},
		{`{"$float":"AAAAAAAA8H8="}`, ""},
		{`{"$bytes":""}`, ""},
		{`{"$bytes":"AAEC/w=="}`, ""},
		{`{"$integer":"AQ=="}`, "Received 1 bytes, expected 8 for $integer"},
		{`{"$float":"AAAAAAAAAAAAAAA="}`, "Received 11 bytes, expected 8 for $float"},
		{`{"$float":"AAAAAAAA+D8="}`, "Float 1.5 should be encoded as a number"},
		{`{"$float":"AQAAAAAAAAA="}`, "Float 5e-324 should be encoded as a number"},
		{`{"$set":[]}`, "Received a Set which is no longer supported as a Convex type."},
		{`{"$map":[]}`, "Received a Map which is no longer supported as a Convex type."},
		{`{"$foo":1}`, "Field name $foo starts with a '$', which is reserved."},
		{`{"$integer":"AQAAAAAAAAA=","x":1}`, "object with a $integer field has other fields; field names starting with '$' are reserved"},
		{`{"$bytes":"AQ=I"}`, "$bytes is not valid padded standard base64"},
		{`{"$bytes":"AQ"}`, "$bytes is not valid padded standard base64"},
		{`{"$bytes":"AR=="}`, "$bytes is not valid padded standard base64"}, // non-zero trailing bits
		{`{"$integer":1}`, "$integer must hold a base64 string"},
	}
	for _, tt := range tests {
		_, err := AppendCanonical(nil, []byte(tt.in))
		if tt.reason == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.in, err)
			}
			continue
		}
		ve, ok := err.(*ValueError)
		if !ok || ve.Reason != tt.reason {
			t.Errorf("%s: err %v, want reason %q", tt.in, err, tt.reason)
		}
	}
}

func TestCheckFieldName(t *testing.T) {
	for _, ok := range []string{"", "a", "_id", "A-b c~!", strings.Repeat("k", 1024)} {
		if err := checkFieldName([]byte(ok)); err != nil {
			t.Errorf("%q rejected: %v", ok, err)
		}
	}
	for _, bad := range []string{"$a", "é", "a\x00", "a\x7f", "tab\t", strings.Repeat("k", 1025)} {
		if err := checkFieldName([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
