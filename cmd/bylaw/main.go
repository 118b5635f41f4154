// Command bylaw is the Bylaw binary: off-cluster, `bylaw apply` evaluates policies on resource files and
// `bylaw test` runs Kyverno CLI test suites; `bylaw version` prints the build.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr, defaultRunners())
	stop()
	os.Exit(code)
}
