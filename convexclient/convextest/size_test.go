package convextest

import "testing"

func TestConvexSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`null`, 1}, {`true`, 1}, {`1.5`, 9}, {`{"$integer":"AQAAAAAAAAA="}`, 9},
		{`"abc"`, 5}, {`{"$bytes":"AQID"}`, 5}, {`[]`, 2}, {`[1,"a"]`, 2 + 9 + 3},
		{`{"ab":null}`, 2 + 2 + 1 + 1},
	}
	for _, tt := range tests {
		got, err := convexSize([]byte(tt.in))
		if err != nil || got != tt.want {
			t.Errorf("convexSize(%s) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if _, err := convexSize([]byte(`{"$x":1}`)); err == nil {
		t.Error("invalid value sized")
	}
}
