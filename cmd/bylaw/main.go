// Command bylaw is the Bylaw binary: off-cluster, `bylaw apply` evaluates policies on resource files and
// `bylaw test` runs Kyverno CLI test suites; in a cluster, `bylaw serve` enforces policies at admission; `bylaw version`
// prints the build.
package main

import (
	"context"
	"os"
	"syscall"
)

// main runs the command line. SIGINT or SIGTERM cancels the command's context: file commands stop and exit with
// 130 or 143, `bylaw serve` shuts down gracefully (exit 0 when that succeeds); a second signal exits at once.
func main() {
	ctx, signaled, stop := notifySignals(context.Background(), os.Exit, os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr, defaultRunners())
	stop()
	if sig := signaled(); sig != 0 && code != 0 {
		code = sig
	}
	os.Exit(code)
}
