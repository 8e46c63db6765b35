package main

import "syscall"

// childAttrs kills the child when the bench process dies, whatever the cause.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
