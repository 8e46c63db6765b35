package convexclient

import (
	"fmt"
	"strings"
	"testing"
)

func TestMarshalDynamic(t *testing.T) {
	m := map[string]any{}
	var want strings.Builder
	want.WriteByte('{')
	for i := range 20 { // more keys than the stack buffer holds
		m[fmt.Sprintf("k%02d", i)] = []any{nil, int64(i), []byte(nil), map[string]any(nil), []any(nil)}
		if i > 0 {
			want.WriteByte(',')
		}
		fmt.Fprintf(&want, `"k%02d":[null,%s,null,null,null]`, i, appendInteger(nil, int64(i)))
	}
	want.WriteByte('}')
	got, err := Marshal(m)
	if err != nil || string(got) != want.String() {
		t.Errorf("Marshal = %s, %v\nwant %s", got, err, want.String())
	}
	if _, err := Marshal(map[string]any{"a": []any{1 << 60}}); err == nil {
		t.Error("int beyond 2^53 accepted")
	}
}
