package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"defaults", nil, ""},
		{"all", []string{"-duration", "8s", "-out", "x.json", "-rate", "500", "-concurrency", "64", "-identity", "jwt", "-call-timeout", "2s"}, ""},
		{"short phase", []string{"-duration", "10ms"}, "-duration"},
		{"bad identity", []string{"-identity", "none"}, "-identity"},
		{"admin identity and a soak", []string{"-identity", "admin", "-soak", "1m"}, ""},
		{"short soak", []string{"-soak", "10ms"}, "-soak"},
		{"bad rate and concurrency", []string{"-rate", "0", "-concurrency", "0"}, "-concurrency"},
		{"extra args", []string{"now"}, "unexpected"},
		{"only", []string{"-only", "p3, P5"}, ""},
		{"bad only", []string{"-only", "P6"}, "-only"},
		{"unknown flag", []string{"-nope"}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if o.duration < time.Second || o.identity == "" || o.out == "" {
					t.Errorf("bad options %+v", o)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestRunBadFlagsExit2(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-rate", "-1"}, io.Discard, &stderr); code != 2 {
		t.Errorf("exit %d, want 2 (%s)", code, stderr.String())
	}
	if code := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
}
