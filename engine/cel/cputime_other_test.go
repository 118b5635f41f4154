//go:build !unix

package cel

import "time"

// processCPUTime is not measured on this platform; the cpu-ns/op metric is then left out.
func processCPUTime() time.Duration { return 0 }
