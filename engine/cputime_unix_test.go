//go:build unix

package engine_test

import (
	"syscall"
	"time"
)

// processCPUTime returns the user plus system CPU time this process has used so far (GC workers included).
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
