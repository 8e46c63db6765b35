package convextest

import (
	"errors"
	"testing"

	"github.com/convexgw/convexgw/convexclient"
)

func TestCallLiteral(t *testing.T) {
	c := &Call{Args: []byte(`{"n":{"$integer":"AgAAAAAAAAA="}}`)}
	c.Logf("a %d", 1)
	var args struct{ N int }
	if err := c.Bind(&args); err != nil || args.N != 2 {
		t.Fatalf("Bind: %v %v", args, err)
	}
	if err := c.Bind(&struct{ N string }{}); !IsValidationError(err) || !errors.Is(err, convexclient.ErrInvalidValue) {
		t.Errorf("Bind error %v", err)
	}
	if l := c.LogLines(); len(l) != 1 || l[0] != "[LOG] a 1" {
		t.Errorf("logs %v", l)
	}
}
