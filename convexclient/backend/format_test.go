package backend

import "testing"

func TestFormat(t *testing.T) {
	const v = `{"b":{"$bytes":"AQID"},"f":[{"$float":"AAAAAAAAAIA="},{"$float":"AAAAAAAA+H8="}],"n":{"$integer":"HgAAAAAAAAA="},"x":42.0}`
	tests := []struct {
		in   string
		want string
	}{
		{"convex_encoded_json", v},
		{"convex_json", v},
		{"json", `{"b":"AQID","f":[-0.0,"NaN"],"n":"30","x":42.0}`},
		{"convex_clean_json", `{"b":"AQID","f":[-0.0,"NaN"],"n":"30","x":42.0}`},
		{"export_json", `{"b":{"$bytes":"AQID"},"f":[-0.0,{"$float":"AAAAAAAA+H8="}],"n":30,"x":42.0}`},
	}
	for _, tt := range tests {
		f, ok := ParseFormat(tt.in)
		if !ok {
			t.Fatalf("%s refused", tt.in)
		}
		got, err := f.Append([]byte("x="), []byte(v))
		if err != nil || string(got) != "x="+tt.want {
			t.Errorf("%s: %s (%v)\nwant x=%s", tt.in, got, err, tt.want)
		}
	}
	if _, ok := ParseFormat("yaml"); ok {
		t.Error("yaml accepted")
	}
	if e := BadFormatError("yaml"); e.Status != 400 || e.Message != "format param must be one of [`json`]. Got yaml" {
		t.Errorf("BadFormatError = %+v", e)
	}
	for _, tt := range []struct {
		endpoint, client string
		want             Format
	}{
		{EndpointQuery, "npm-1.48.0", FormatClean},
		{EndpointQuery, "npm-1.4.0", FormatEncoded},
		{EndpointQueryBatch, "python-0.4.0", FormatEncoded},
		{EndpointRun, "npm-1.4.0", FormatClean},
		{EndpointQuery, "", FormatClean},
	} {
		if got := DefaultFormat(tt.endpoint, tt.client); got != tt.want {
			t.Errorf("DefaultFormat(%s, %s) = %d", tt.endpoint, tt.client, got)
		}
	}
}
