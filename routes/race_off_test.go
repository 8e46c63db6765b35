//go:build !race

package routes

// raceEnabled reports a -race build, whose instrumentation distorts timing.
const raceEnabled = false
