package auth

import (
	"os/exec"
	"syscall"
)

// setPdeathsig kills redis-server if the test binary dies without TestMain
// cleaning up (for example a fuzz run stopped by a signal).
func setPdeathsig(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
