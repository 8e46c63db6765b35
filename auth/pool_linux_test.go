//go:build linux

package auth

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// threadNice returns the nice value and id of the calling OS thread, or
// nice -100 when it cannot be read.
func threadNice() (nice, tid int) {
	tid = unix.Gettid()
	prio, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if err != nil {
		return -100, tid
	}
	return 20 - prio, tid
}

// Pool work runs on a long-lived worker thread niced workerNice above the
// process, and the request side keeps its priority.
func TestWorkerThreadPriority(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	base, callerTid := threadNice()
	p := blockingPool(t, 1)
	var nice, tid [2]int
	for i := range 2 {
		if err := p.run(bg, func() { nice[i], tid[i] = threadNice() }); err != nil {
			t.Fatal(err)
		}
	}
	want := min(base+workerNice, 19)
	if nice[0] != want || nice[1] != want {
		t.Fatalf("worker nice = %v, want %d (process %d)", nice, want, base)
	}
	if tid[0] != tid[1] || tid[0] == callerTid {
		t.Fatalf("worker threads %v (caller %d): want one reused thread, not the caller's", tid, callerTid)
	}
	if after, _ := threadNice(); after != base {
		t.Fatalf("caller thread nice changed to %d", after)
	}
}
