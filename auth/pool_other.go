//go:build !linux

package auth

// lowerThreadPriority does nothing outside Linux: elsewhere thread
// priorities are not per-thread nice values (or need privileges), so bcrypt
// workers run at the process's priority on their locked threads; the
// isolation then comes from GOMAXPROCS leaving Ps for requests alone.
func lowerThreadPriority() {}
