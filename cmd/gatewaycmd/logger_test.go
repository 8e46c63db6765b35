package gatewaycmd

import (
	"bufio"
	"os"
	"testing"
)

// Every log line must reach the output: zap's production sampling would
// drop repeated lines (login failures during a brute-force attack, secondary
// task failures during an outage) exactly when they matter.
func TestLoggerDoesNotSample(t *testing.T) {
	for _, format := range []string{"json", "console"} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		stderr := os.Stderr
		os.Stderr = w
		log, err := newLogger("info", format)
		os.Stderr = stderr
		if err != nil {
			t.Fatal(err)
		}
		const n = 300
		go func() {
			for range n {
				log.Info("login failed")
			}
			_ = log.Sync()
			w.Close()
		}()
		lines := 0
		for sc := bufio.NewScanner(r); sc.Scan(); {
			lines++
		}
		r.Close()
		if lines != n {
			t.Errorf("%s: %d of %d identical lines written", format, lines, n)
		}
	}
}
