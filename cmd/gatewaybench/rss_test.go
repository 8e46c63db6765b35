package main

import (
	"os"
	"strings"
	"testing"
)

func TestParseMemStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    memStatus
		wantErr bool
	}{
		{"linux", "Name:\tgateway\nVmPeak:\t 1000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nThreads:\t5\n",
			memStatus{PeakRSS: 20 << 20, RSS: 10 << 20}, false},
		{"missing rss", "VmHWM:\t1 kB\n", memStatus{}, true},
		{"bad unit", "VmHWM:\t1 MB\nVmRSS:\t1 kB\n", memStatus{}, true},
		{"bad number", "VmHWM:\tx kB\nVmRSS:\t1 kB\n", memStatus{}, true},
		{"empty", "", memStatus{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMemStatus(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadMemStatusSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no procfs")
	}
	m, err := readMemStatus(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.PeakRSS < m.RSS {
		t.Errorf("implausible %+v", m)
	}
}
