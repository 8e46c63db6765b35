package gatewaycmd

import (
	"runtime"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestGOMAXPROCSFor(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cases := []struct {
		name          string
		env           map[string]string
		base, workers int
		want          int
		ok            bool
	}{
		{"default pool", nil, 2, 2, 4, true},
		{"bigger pool", nil, 4, 1, 5, true},
		{"env wins", map[string]string{"GOMAXPROCS": "3"}, 2, 2, 0, false},
		{"empty env still set by the user", map[string]string{"GOMAXPROCS": ""}, 2, 2, 0, false},
		{"nonsense inputs clamp", nil, 0, -1, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, ok := gomaxprocsFor(env(tc.env), tc.base, tc.workers)
			if n != tc.want || ok != tc.ok {
				t.Fatalf("gomaxprocsFor = %d, %v; want %d, %v", n, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestApplyGOMAXPROCS(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
	core, logs := observer.New(zap.InfoLevel)
	applyGOMAXPROCS(zap.New(core), func(string) (string, bool) { return "", false }, 3)
	if got := runtime.GOMAXPROCS(0); got != prev+3 {
		t.Fatalf("GOMAXPROCS = %d, want %d", got, prev+3)
	}
	if e := logs.All(); len(e) != 1 || e[0].ContextMap()["gomaxprocs"] != int64(prev+3) {
		t.Fatalf("log = %+v", e)
	}
	runtime.GOMAXPROCS(prev)
	applyGOMAXPROCS(zap.New(core), func(k string) (string, bool) { return "1", k == "GOMAXPROCS" }, 3)
	if got := runtime.GOMAXPROCS(0); got != prev {
		t.Fatalf("GOMAXPROCS changed to %d although the environment sets it", got)
	}
}
