//go:build unix

package keeper_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the test process used so far:
// around a timed EndBlock it counts the block's own work plus the garbage
// collector's background work it caused, and not the other processes that
// share the machine (which inflate wall-clock times). Unix only; elsewhere
// (cputime_other_test.go) it returns 0 and the cpu metrics read 0.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
