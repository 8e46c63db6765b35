package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime reads the user+system CPU time of pid (0: this process) from
// /proc/<pid>/stat.
func cpuTime(pid int) (time.Duration, error) {
	path := "/proc/self/stat"
	if pid != 0 {
		path = fmt.Sprintf("/proc/%d/stat", pid)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	return parseStatCPU(string(b))
}

// parseStatCPU returns utime+stime of a /proc/<pid>/stat line. The command
// name (field 2) may hold spaces and parentheses, so fields are counted from
// its last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse stat: no command name")
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("parse stat: %d fields", len(f)+2)
	}
	var total int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("parse stat: bad time %q", s)
		}
		total += n
	}
	return time.Duration(total) * clockTick, nil
}

// cpuMeter measures the CPU time the bench process and the gateway process
// spend between start and stop.
type cpuMeter struct {
	gwPID      int
	self0, gw0 time.Duration
	Self, Gate time.Duration // after stop
	ok         bool
}

func startCPU(gwPID int) *cpuMeter {
	m := &cpuMeter{gwPID: gwPID}
	s, err1 := cpuTime(0)
	g, err2 := cpuTime(gwPID)
	m.self0, m.gw0, m.ok = s, g, err1 == nil && err2 == nil
	return m
}

// stop records the CPU time spent since start; ok is false without procfs.
func (m *cpuMeter) stop() bool {
	s, err1 := cpuTime(0)
	g, err2 := cpuTime(m.gwPID)
	if !m.ok || err1 != nil || err2 != nil {
		m.ok = false
		return false
	}
	m.Self, m.Gate = s-m.self0, g-m.gw0
	return true
}
