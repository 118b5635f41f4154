//go:build !unix

package bench

import "time"

// processCPUTime is not measured on this platform; the evals/cpu-s metric is then left out.
func processCPUTime() time.Duration { return 0 }
