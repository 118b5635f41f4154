//go:build !unix

package engine_test

import "time"

// processCPUTime is not measured off unix: the benchmarks then report no CPU time.
func processCPUTime() time.Duration { return 0 }
