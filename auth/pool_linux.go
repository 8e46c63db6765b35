//go:build linux

package auth

import "golang.org/x/sys/unix"

// workerNice is how much less scheduling priority (a higher nice value) a
// bcrypt worker thread takes than the process. At +10 the kernel's CFS
// gives a busy request thread about 9× the CPU share of a busy bcrypt
// thread, so queries keep their latency during a login storm while logins
// still use every idle cycle.
const workerNice = 10

// lowerThreadPriority raises the nice value of the calling OS thread (the
// caller must be locked to it) by workerNice, capped at 19. On Linux nice
// is per thread: PRIO_PROCESS with a thread id changes only that thread.
// Raising nice needs no privilege; a failure (a seccomp filter, say) leaves
// the thread at the process's priority, which is still correct, only less
// isolated, so it is ignored.
func lowerThreadPriority() {
	tid := unix.Gettid()
	// The raw syscall returns 20 - nice (1..40).
	cur, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if err != nil {
		return
	}
	nice := min(20-cur+workerNice, 19)
	_ = unix.Setpriority(unix.PRIO_PROCESS, tid, nice)
}
