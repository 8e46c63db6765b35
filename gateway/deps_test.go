package gateway

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/convexgw/convexgw"

// goList runs `go list` with args and returns its output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestDependencyDirection: dependencies point inward. The generic packages
// never depend on the demo (examples/); auth, convexclient and mail are leaves;
// only routes and gateway import Echo; the production binary does not link
// package testing.
func TestDependencyDirection(t *testing.T) {
	generic := []string{"accounts", "auth", "convexclient", "convexclient/convextest", "gateway", "mail", "routes", "cmd/gatewaycmd"}
	for _, p := range generic {
		for _, dep := range goList(t, "-deps", module+"/"+p) {
			if strings.HasPrefix(dep, module+"/examples") {
				t.Errorf("%s depends on %s", p, dep)
			}
		}
	}
	leaves := map[string][]string{
		"auth":         {"github.com/labstack/echo", module + "/convexclient", module + "/routes", module + "/gateway", module + "/accounts"},
		"convexclient": {"github.com/labstack/echo", module + "/auth", module + "/routes", module + "/gateway", module + "/accounts", module + "/convexclient/convextest"},
		"accounts":     {"github.com/labstack/echo", module + "/routes", module + "/gateway", module + "/auth"},
		"mail":         {"github.com/labstack/echo", module + "/accounts", module + "/auth", module + "/convexclient", module + "/routes", module + "/gateway"},
	}
	for p, banned := range leaves {
		for _, dep := range goList(t, "-deps", module+"/"+p) {
			for _, b := range banned {
				if strings.HasPrefix(dep, b) {
					t.Errorf("%s depends on %s", p, dep)
				}
			}
		}
	}
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, " ")
		if !strings.Contains(" "+imports+" ", " github.com/labstack/echo/v4 ") {
			continue
		}
		rel := strings.TrimPrefix(pkg, module+"/")
		if rel != "routes" && rel != "gateway" && !strings.HasPrefix(rel, "examples/") && !strings.HasPrefix(rel, "cmd/") {
			t.Errorf("%s imports Echo (only routes, gateway and apps may)", pkg)
		}
	}
	for _, dep := range goList(t, "-deps", module+"/cmd/gateway") {
		if dep == "testing" {
			t.Error("cmd/gateway links package testing")
		}
	}
}
