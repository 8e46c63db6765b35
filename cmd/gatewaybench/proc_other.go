//go:build !linux

package main

import "syscall"

// childAttrs: without Pdeathsig, children are stopped by the bench's own
// signal handling only.
func childAttrs() *syscall.SysProcAttr { return nil }
