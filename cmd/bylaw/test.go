package main

import (
	"github.com/spf13/cobra"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
)

func newTestCommand(run testRunner) *cobra.Command {
	var o kyvernotest.Options
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run Kyverno CLI test suites (kyverno-test.yaml) found under the paths",
		Long: "Find every kyverno-test.yaml under the paths (recursively, .kyverno-test folders included), run each " +
			"suite unchanged and score its expected results. Exit code 1 when a row failed.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			return exitWith(run(cmd.Context(), o, cmd.OutOrStdout()))
		},
	}
	o.BindFlags(cmd.Flags())
	return cmd
}
