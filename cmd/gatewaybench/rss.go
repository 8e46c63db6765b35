package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// memStatus is the memory of a process as /proc/<pid>/status reports it, in
// bytes: VmHWM (peak resident set) and VmRSS (current resident set).
type memStatus struct {
	PeakRSS int64 // VmHWM
	RSS     int64 // VmRSS
}

// readMemStatus reads /proc/<pid>/status. It fails on systems without
// procfs (the bench then reports P5 as not measured).
func readMemStatus(pid int) (memStatus, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memStatus{}, fmt.Errorf("read memory status: %w", err)
	}
	defer f.Close()
	return parseMemStatus(f)
}

// parseMemStatus parses the VmHWM and VmRSS lines ("VmHWM:\t  12345 kB").
func parseMemStatus(r io.Reader) (memStatus, error) {
	var m memStatus
	var seen int
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmHWM" && name != "VmRSS") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return m, fmt.Errorf("parse %s: unexpected %q", name, rest)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || kb < 0 {
			return m, fmt.Errorf("parse %s: bad number %q", name, fields[0])
		}
		if name == "VmHWM" {
			m.PeakRSS = kb << 10
		} else {
			m.RSS = kb << 10
		}
		seen++
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("read memory status: %w", err)
	}
	if seen != 2 {
		return m, fmt.Errorf("memory status: VmHWM or VmRSS missing")
	}
	return m, nil
}

// mib converts bytes to MiB.
func mib(b int64) float64 { return float64(b) / (1 << 20) }
