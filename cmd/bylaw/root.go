package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/bylaw-dev/bylaw/cli/apply"
	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/server"
)

// applyRunner and testRunner do a subcommand's work once its flags are parsed, returning the exit code.
type (
	applyRunner func(ctx context.Context, o apply.Options, stdout, stderr io.Writer) (int, error)
	testRunner  func(ctx context.Context, o kyvernotest.Options, stdout io.Writer) (int, error)
)

// runners are the functions the subcommands call; tests inject their own.
type runners struct {
	apply  applyRunner
	test   testRunner
	serve  serveRunner
	bundle bundleRunners
}

func defaultRunners() runners {
	return runners{
		apply: func(ctx context.Context, o apply.Options, stdout, stderr io.Writer) (int, error) {
			limitBatchMemory()
			return apply.Run(ctx, o, stdout, stderr)
		},
		test: func(ctx context.Context, o kyvernotest.Options, stdout io.Writer) (int, error) {
			limitBatchMemory()
			return kyvernotest.Run(ctx, o, stdout)
		},
		serve:  server.Run,
		bundle: defaultBundleRunners(),
	}
}

// exitError carries a command's exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit code %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitWith turns a runner's result into what RunE returns.
func exitWith(code int, err error) error {
	if code == 0 && err == nil {
		return nil
	}
	if code == 0 {
		code = 2
	}
	return &exitError{code: code, err: err}
}

// execute runs the command line args and returns the process exit code.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer, r runners) int {
	root := newRootCommand(r)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "error: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "error: %v\n", err)
	return 2
}

func newRootCommand(r runners) *cobra.Command {
	root := &cobra.Command{
		Use:           "bylaw",
		Short:         "Bylaw: Kubernetes policies, the Kyverno language, one engine",
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newApplyCommand(r.apply), newTestCommand(r.test), newServeCommand(r.serve), newVersionCommand(),
		newBundleCommand(r.bundle))
	return root
}
