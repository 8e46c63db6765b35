package convextest

import "testing"

func TestJSStringify(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":{"$integer":"AQAAAAAAAAA="},"a":[1.0,2.5,{"$float":"AAAAAAAA+H8="},{"$bytes":"AQ=="}],"c":"x\"y","d":{"$float":"AAAAAAAAAIA="}}`,
			`{"a":[1,2.5,null,{}],"b":"1n","c":"x\"y","d":0}`},
		{`1e21`, `1e+21`},
		{`null`, `null`},
	}
	for _, tt := range tests {
		if got := jsStringify([]byte(tt.in)); got != tt.want {
			t.Errorf("jsStringify(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
