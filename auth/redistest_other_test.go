//go:build !linux

package auth

import "os/exec"

// setPdeathsig is Linux-only; elsewhere TestMain's cleanup has to do.
func setPdeathsig(*exec.Cmd) {}
