//go:build !race

package auth

// raceEnabled reports a -race build, whose instrumentation distorts timing.
const raceEnabled = false
