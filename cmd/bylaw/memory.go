package main

import (
	"os"
	"runtime/debug"
)

// batchMemoryLimit is the soft heap limit of the file commands (apply, test) unless GOMEMLIMIT sets one. They hold
// every resource in memory at once; a soft limit makes the collector run before the heap doubles, which keeps the
// peak near the live set at a small CPU cost. It is a soft limit: a larger live set still runs, with more GC.
const batchMemoryLimit = 32 << 20

func limitBatchMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(batchMemoryLimit)
	}
}
