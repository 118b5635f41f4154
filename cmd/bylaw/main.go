// Command bylaw is the Bylaw binary: off-cluster, `bylaw apply` evaluates policies on resource files and
// `bylaw test` runs Kyverno CLI test suites; in a cluster, `bylaw serve` enforces policies at admission; `bylaw version`
// prints the build.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr, defaultRunners())
	stop()
	os.Exit(code)
}
