package main

import (
	"fmt"
	"strings"
	"time"
)

// parseRoleTags reads the "role" section of `go tool pprof -tags` output:
//
//	role: Total 5.14s of 5.85s (87.86%)
//	       2.89s (49.40%): gateway
//	      910ms (15.56%): client
//
// and returns the time of each role.
func parseRoleTags(out string) (map[string]time.Duration, error) {
	roles := map[string]time.Duration{}
	in := false
	for _, line := range strings.Split(out, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "role:"):
			in = true
			continue
		case !in:
			continue
		case t == "" || strings.HasSuffix(strings.Fields(t)[0], ":"):
			in = false
			continue
		}
		val, name, ok := strings.Cut(t, "): ")
		if !ok {
			continue
		}
		f := strings.Fields(val)
		if len(f) == 0 {
			continue
		}
		d, err := time.ParseDuration(f[0])
		if err != nil {
			return nil, fmt.Errorf("pprof tags: bad time %q", f[0])
		}
		roles[strings.TrimSpace(name)] = d
	}
	if len(roles) == 0 {
		return nil, fmt.Errorf("pprof tags: no role labels")
	}
	return roles, nil
}
