package convexclient

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLeafPackage keeps convexclient a leaf: no Echo, no auth, no routes or
// gateway, no convextest outside tests.
func TestLeafPackage(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/convexgw/convexgw/convexclient").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/labstack/echo", "github.com/convexgw/convexgw/auth", "github.com/convexgw/convexgw/routes", "github.com/convexgw/convexgw/gateway", "github.com/convexgw/convexgw/convexclient/convextest"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("convexclient depends on %s", dep)
			}
		}
	}
}
