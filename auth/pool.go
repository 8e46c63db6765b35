package auth

import (
	"runtime"
	"sync"
	"time"
)

// defaultWorkerIdle is how long an idle bcrypt worker keeps its OS thread
// before it exits (and the thread with it).
const defaultWorkerIdle = time.Minute

// workerPool runs functions on at most size long-lived worker goroutines,
// each locked to its own OS thread whose scheduling priority is lowered
// (lowerThreadPriority, Linux only).
//
// Why: bcrypt is pure CPU for ~65 ms a hash at cost 10. On ordinary
// goroutines a pool as large as GOMAXPROCS holds every P of the runtime, and
// a request goroutine that becomes runnable waits for asynchronous
// preemption (10 ms slices) of a bcrypt goroutine, several times per
// request: a login storm multiplied the p99 of unrelated queries 14–27×.
// On a dedicated thread at a lower priority, and with GOMAXPROCS leaving Ps
// beyond the workers (cmd/gateway), the kernel runs request threads first
// and bcrypt gets what is left, so a storm slows logins, not queries.
//
// The worker never unlocks its thread: when it exits (idle for idle), the
// runtime terminates the thread instead of reusing a de-prioritised thread
// for other goroutines. Threads the runtime starts while a worker runs are
// created by its template thread, not cloned from the locked one, so they
// do not inherit the lower priority.
//
// Bounding is the caller's job (Passwords' slots): submit never runs more
// than size workers, and a submit while all size workers exist waits for
// one of them to take the function.
type workerPool struct {
	size int
	idle time.Duration
	jobs chan func() // unbuffered: a send is a hand-off to an idle worker

	mu      sync.Mutex
	workers int // live workers
	waiting int // submitters blocked on jobs; idle workers stay while > 0
}

func newWorkerPool(size int, idle time.Duration) *workerPool {
	return &workerPool{size: size, idle: idle, jobs: make(chan func())}
}

// submit hands fn to an idle worker, or starts a worker for it when fewer
// than size exist, or waits for a worker to come free. It does not wait for
// fn to finish.
func (wp *workerPool) submit(fn func()) {
	select {
	case wp.jobs <- fn:
		return
	default:
	}
	wp.mu.Lock()
	if wp.workers < wp.size {
		wp.workers++
		wp.mu.Unlock()
		go wp.work(fn)
		return
	}
	wp.waiting++
	wp.mu.Unlock()
	wp.jobs <- fn // a worker exists and none exits while waiting > 0
	wp.mu.Lock()
	wp.waiting--
	wp.mu.Unlock()
}

// work is one worker: it runs first, then whatever it receives, until it
// has been idle for wp.idle with nobody waiting to submit.
func (wp *workerPool) work(first func()) {
	runtime.LockOSThread() // never unlocked: the thread dies with the worker
	lowerThreadPriority()
	first()
	t := time.NewTimer(wp.idle)
	defer t.Stop()
	for {
		select {
		case fn := <-wp.jobs:
			fn()
			t.Reset(wp.idle)
		case <-t.C:
			wp.mu.Lock()
			if wp.waiting > 0 {
				wp.mu.Unlock()
				t.Reset(wp.idle)
				continue
			}
			wp.workers--
			wp.mu.Unlock()
			return
		}
	}
}

// live returns the number of live workers.
func (wp *workerPool) live() int {
	wp.mu.Lock()
	defer wp.mu.Unlock()
	return wp.workers
}
