package gatewaycmd

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/convexgw/convexgw/gateway"
)

var update = flag.Bool("update", false, "rewrite the README's settings table")

// readmeTable renders the settings table the README shows between its
// <!-- settings:begin --> and <!-- settings:end --> markers.
func readmeTable() string {
	cfg := gateway.Defaults()
	var b strings.Builder
	b.WriteString("| environment | flag | type | default | meaning |\n| --- | --- | --- | --- | --- |\n")
	for _, s := range settings(&cfg) {
		def := s.v.String()
		switch {
		case s.env == "BCRYPT_WORKERS":
			def = "`CPUs`"
		case def != "":
			def = "`" + def + "`"
		}
		b.WriteString("| `" + s.env + "` | `-" + s.flag + "` | " + s.v.typeName() + " | " + def + " | " +
			strings.ReplaceAll(s.usage, "|", `\|`) + " |\n")
	}
	return b.String()
}

// TestREADMESettingsTable: the README lists every setting with its flag,
// type and default, as -h prints them (go test -run README -update
// rewrites it).
func TestREADMESettingsTable(t *testing.T) {
	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := []byte("<!-- settings:begin -->\n"), []byte("<!-- settings:end -->")
	i, j := bytes.Index(data, begin), bytes.Index(data, end)
	if i < 0 || j < i {
		t.Fatal("README.md has no settings markers")
	}
	want := readmeTable()
	got := string(data[i+len(begin) : j])
	if got == want {
		return
	}
	if !*update {
		t.Fatalf("README.md's settings table is out of date: go test ./cmd/gatewaycmd -run README -update")
	}
	out := append(append(append([]byte{}, data[:i+len(begin)]...), want...), data[j:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
